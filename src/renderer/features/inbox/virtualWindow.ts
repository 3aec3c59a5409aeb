// Windowing math of the virtualized inbox list: pure functions of scroll position and sizes, so
// they are tested without a layout engine.

/** Rows [start, end) to put in the DOM: those in view plus `overscan` on each side. */
export type RowRange = { start: number; end: number };

/**
 * The rows a viewport of `viewportHeight` px scrolled to `scrollTop` shows, widened by `overscan`
 * rows each side and clamped to [0, total). Empty ({0, 0}) when there are no rows.
 */
export function visibleRange(o: {
  scrollTop: number;
  viewportHeight: number;
  rowHeight: number;
  total: number;
  overscan: number;
}): RowRange {
  if (o.total <= 0 || o.rowHeight <= 0) return { start: 0, end: 0 };
  const top = Math.max(0, o.scrollTop);
  const first = Math.min(o.total - 1, Math.floor(top / o.rowHeight));
  const last = Math.min(o.total - 1, Math.ceil((top + Math.max(0, o.viewportHeight)) / o.rowHeight) - 1);
  return {
    start: Math.max(0, first - o.overscan),
    end: Math.min(o.total, Math.max(first, last) + 1 + o.overscan),
  };
}

/** Indices of the pages of `pageSize` rows that hold the rows of `range`. */
export function pagesOf(range: RowRange, pageSize: number): number[] {
  if (range.end <= range.start) return [];
  const pages: number[] = [];
  for (let p = Math.floor(range.start / pageSize); p * pageSize < range.end; p++) pages.push(p);
  return pages;
}

/**
 * The scrollTop that brings row `index` fully into view with the least movement, or `scrollTop`
 * itself when it is already in view.
 */
export function scrollToReveal(o: {
  index: number;
  rowHeight: number;
  scrollTop: number;
  viewportHeight: number;
}): number {
  const top = o.index * o.rowHeight;
  const bottom = top + o.rowHeight;
  if (top < o.scrollTop) return top;
  if (bottom > o.scrollTop + o.viewportHeight) return Math.max(0, bottom - o.viewportHeight);
  return o.scrollTop;
}

/**
 * The row a key moves focus to from `current` in a list of `total` rows (`pageRows` rows per
 * PageUp/PageDown), or null for a key the list does not handle. Movement stops at the ends.
 */
export function rowForKey(key: string, current: number, total: number, pageRows: number): number | null {
  if (total <= 0) return null;
  const clamp = (i: number) => Math.min(total - 1, Math.max(0, i));
  switch (key) {
    case 'ArrowDown':
      return clamp(current + 1);
    case 'ArrowUp':
      return clamp(current - 1);
    case 'Home':
      return 0;
    case 'End':
      return total - 1;
    case 'PageDown':
      return clamp(current + Math.max(1, pageRows));
    case 'PageUp':
      return clamp(current - Math.max(1, pageRows));
    default:
      return null;
  }
}
