import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
  type RefObject,
} from 'react';
import { rowForKey, scrollToReveal, visibleRange, type RowRange } from './virtualWindow';

/**
 * A list of `total` rows of fixed height where only the rows in view (plus `overscan` each side)
 * are in the DOM; the list itself has the full height, so the scrollbar is true. Each row is a
 * listitem with aria-posinset/aria-setsize holding one focusable element (from `renderRow`).
 * Keyboard: ArrowUp/ArrowDown, PageUp/PageDown, Home/End move focus between rows, scrolling the
 * focused one into view; one row at a time is in the tab order (roving tabindex).
 */
export function VirtualList(props: {
  label: string;
  total: number;
  rowHeight: number;
  /** Rows rendered beyond each edge of the viewport. Default 5. */
  overscan?: number;
  /** Viewport height assumed until it is measured (and where layout reports none). Default 600. */
  fallbackHeight?: number;
  className?: string;
  /** The row's one focusable element; `tabIndex` keeps a single row in the tab order. */
  renderRow: (index: number, tabIndex: 0 | -1) => ReactNode;
  /** The rows now in the DOM, so their data can be fetched. */
  onRangeChange?: (range: RowRange) => void;
}) {
  const { total, rowHeight } = props;
  const scrollerRef = useRef<HTMLDivElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const win = useRowWindow(scrollerRef, {
    total,
    rowHeight,
    overscan: props.overscan ?? 5,
    fallbackHeight: props.fallbackHeight ?? 600,
    onRangeChange: props.onRangeChange,
  });
  const focus = useRowFocus(listRef, win, total, rowHeight);

  return (
    <div
      ref={scrollerRef}
      className={`vlist ${props.className ?? ''}`}
      onScroll={(e) => win.measure(e.currentTarget.scrollTop)}
    >
      <ul
        ref={listRef}
        className="vlist-rows"
        // Explicit: list-style none drops the implicit list role in some browsers.
        role="list"
        aria-label={props.label}
        style={{ height: total * rowHeight }}
        onKeyDown={focus.onKeyDown}
        onFocus={focus.onFocus}
      >
        {rowsInDom(win.range, focus.current, total).map((i) => (
          <li
            key={i}
            data-row={i}
            aria-setsize={total}
            aria-posinset={i + 1}
            className="vlist-row"
            style={{ top: i * rowHeight, height: rowHeight }}
          >
            {props.renderRow(i, i === focus.current ? 0 : -1)}
          </li>
        ))}
      </ul>
    </div>
  );
}

type RowWindow = {
  /** The rows in view plus overscan. */
  range: RowRange;
  /** The scroller's height, or the fallback before layout. */
  viewport: () => number;
  /** Takes the range again at `scrollTop` (default: the scroller's own). */
  measure: (scrollTop?: number) => void;
  /** Scrolls row `index` fully into view with the least movement, and takes the range there. */
  reveal: (index: number) => void;
};

/**
 * The rows in view of the scroller, taken again on scroll (`measure`), on resize and when the
 * list's length or row height changes; `onRangeChange` hears each new range.
 */
function useRowWindow(
  scrollerRef: RefObject<HTMLDivElement | null>,
  o: {
    total: number;
    rowHeight: number;
    overscan: number;
    fallbackHeight: number;
    onRangeChange: ((range: RowRange) => void) | undefined;
  },
): RowWindow {
  const { total, rowHeight, overscan, fallbackHeight, onRangeChange } = o;
  const [range, setRange] = useState<RowRange>(() =>
    visibleRange({ scrollTop: 0, viewportHeight: fallbackHeight, rowHeight, total, overscan }),
  );
  const viewport = useCallback(
    () => scrollerRef.current?.clientHeight || fallbackHeight,
    [scrollerRef, fallbackHeight],
  );
  const measure = useCallback(
    (scrollTop = scrollerRef.current?.scrollTop ?? 0) => {
      const next = visibleRange({ scrollTop, viewportHeight: viewport(), rowHeight, total, overscan });
      setRange((r) => (r.start === next.start && r.end === next.end ? r : next));
    },
    [scrollerRef, viewport, rowHeight, total, overscan],
  );

  useLayoutEffect(() => measure(), [measure]);
  useEffect(() => {
    const el = scrollerRef.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => measure());
    ro.observe(el);
    return () => ro.disconnect();
  }, [scrollerRef, measure]);
  useEffect(() => onRangeChange?.(range), [range, onRangeChange]);

  const reveal = (index: number) => {
    const el = scrollerRef.current;
    const scrollTop = scrollToReveal({
      index,
      rowHeight,
      scrollTop: el?.scrollTop ?? 0,
      viewportHeight: viewport(),
    });
    if (el && el.scrollTop !== scrollTop) el.scrollTop = scrollTop;
    measure(scrollTop);
  };
  return { range, viewport, measure, reveal };
}

/**
 * The roving tab stop: the row that holds it (`current`), kept when focus moves by pointer, and
 * moved by the keyboard, scrolling the row into view and focusing it once it is rendered.
 */
function useRowFocus(
  listRef: RefObject<HTMLUListElement | null>,
  win: RowWindow,
  total: number,
  rowHeight: number,
) {
  const [focusRow, setFocusRow] = useState(0);
  // Set by keyboard movement: the row to focus once it is rendered (and loaded).
  const wantFocus = useRef<number | null>(null);
  const current = Math.min(focusRow, Math.max(0, total - 1));

  useLayoutEffect(() => {
    const row = wantFocus.current;
    if (row === null) return;
    const target = listRef.current?.querySelector(`[data-row="${row}"]`)?.firstElementChild;
    if (!(target instanceof HTMLElement)) return;
    target.focus({ preventScroll: true });
    // A placeholder keeps the request so the real row takes focus when its data arrives.
    if (!target.hasAttribute('data-placeholder')) wantFocus.current = null;
  });

  const moveTo = (row: number) => {
    win.reveal(row);
    wantFocus.current = row;
    setFocusRow(row);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLUListElement>) => {
    const from = rowOf(e.target);
    if (from === null || e.altKey || e.ctrlKey || e.metaKey) return;
    const pageRows = Math.max(1, Math.floor(win.viewport() / rowHeight) - 1);
    const to = rowForKey(e.key, from, total, pageRows);
    if (to === null) return;
    e.preventDefault();
    moveTo(to);
  };

  const onFocus = (e: { target: EventTarget | null }) => {
    const row = rowOf(e.target);
    if (row !== null && row !== focusRow) setFocusRow(row);
  };
  return { current, onKeyDown, onFocus };
}

/** The row index of the list item holding `target`, or null outside the rows. */
function rowOf(target: EventTarget | null): number | null {
  const li = target instanceof Element ? target.closest('[data-row]') : null;
  return li ? Number(li.getAttribute('data-row')) : null;
}

/**
 * The rows to render: those of `range`, and the focusable row (`current`) even while scrolled
 * away, so focus and the tab stop are kept; in document order, so reading order stays the visual order.
 */
function rowsInDom(range: RowRange, current: number, total: number): number[] {
  const rows: number[] = [];
  for (let i = range.start; i < range.end; i++) rows.push(i);
  if (total > 0 && current < range.start) rows.unshift(current);
  if (total > 0 && current >= range.end) rows.push(current);
  return rows;
}
