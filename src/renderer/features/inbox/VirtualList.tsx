import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
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
  const { total, rowHeight, onRangeChange } = props;
  const overscan = props.overscan ?? 5;
  const fallbackHeight = props.fallbackHeight ?? 600;
  const scroller = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const [range, setRange] = useState<RowRange>(() =>
    visibleRange({ scrollTop: 0, viewportHeight: fallbackHeight, rowHeight, total, overscan }),
  );
  const [focusRow, setFocusRow] = useState(0);
  // Set by keyboard movement: the row to focus once it is rendered (and loaded).
  const wantFocus = useRef<number | null>(null);

  const viewport = useCallback(() => scroller.current?.clientHeight || fallbackHeight, [fallbackHeight]);
  const measure = useCallback(
    (scrollTop = scroller.current?.scrollTop ?? 0) => {
      const next = visibleRange({ scrollTop, viewportHeight: viewport(), rowHeight, total, overscan });
      setRange((r) => (r.start === next.start && r.end === next.end ? r : next));
    },
    [viewport, rowHeight, total, overscan],
  );

  useLayoutEffect(() => measure(), [measure]);
  useEffect(() => {
    const el = scroller.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => measure());
    ro.observe(el);
    return () => ro.disconnect();
  }, [measure]);
  useEffect(() => onRangeChange?.(range), [range, onRangeChange]);

  const current = Math.min(focusRow, Math.max(0, total - 1));

  useLayoutEffect(() => {
    const row = wantFocus.current;
    if (row === null) return;
    const target = list.current?.querySelector(`[data-row="${row}"]`)?.firstElementChild;
    if (!(target instanceof HTMLElement)) return;
    target.focus({ preventScroll: true });
    // A placeholder keeps the request so the real row takes focus when its data arrives.
    if (!target.hasAttribute('data-placeholder')) wantFocus.current = null;
  });

  const moveTo = (row: number) => {
    const el = scroller.current;
    const scrollTop = scrollToReveal({
      index: row,
      rowHeight,
      scrollTop: el?.scrollTop ?? 0,
      viewportHeight: viewport(),
    });
    if (el && el.scrollTop !== scrollTop) el.scrollTop = scrollTop;
    measure(scrollTop);
    wantFocus.current = row;
    setFocusRow(row);
  };

  const rowOf = (target: EventTarget | null): number | null => {
    const li = target instanceof Element ? target.closest('[data-row]') : null;
    return li ? Number(li.getAttribute('data-row')) : null;
  };

  const onKeyDown = (e: KeyboardEvent<HTMLUListElement>) => {
    const from = rowOf(e.target);
    if (from === null || e.altKey || e.ctrlKey || e.metaKey) return;
    const pageRows = Math.max(1, Math.floor(viewport() / rowHeight) - 1);
    const to = rowForKey(e.key, from, total, pageRows);
    if (to === null) return;
    e.preventDefault();
    moveTo(to);
  };

  // The focusable row stays rendered while scrolled away, so focus and the tab stop are kept.
  const rows: number[] = [];
  for (let i = range.start; i < range.end; i++) rows.push(i);
  // (In document order, so reading order stays the visual order.)
  if (total > 0 && current < range.start) rows.unshift(current);
  if (total > 0 && current >= range.end) rows.push(current);

  return (
    <div
      ref={scroller}
      className={`vlist ${props.className ?? ''}`}
      onScroll={(e) => measure(e.currentTarget.scrollTop)}
    >
      <ul
        ref={list}
        className="vlist-rows"
        // Explicit: list-style none drops the implicit list role in some browsers.
        role="list"
        aria-label={props.label}
        style={{ height: total * rowHeight }}
        onKeyDown={onKeyDown}
        onFocus={(e) => {
          const row = rowOf(e.target);
          if (row !== null && row !== focusRow) setFocusRow(row);
        }}
      >
        {rows.map((i) => (
          <li
            key={i}
            data-row={i}
            aria-setsize={total}
            aria-posinset={i + 1}
            className="vlist-row"
            style={{ top: i * rowHeight, height: rowHeight }}
          >
            {props.renderRow(i, i === current ? 0 : -1)}
          </li>
        ))}
      </ul>
    </div>
  );
}
