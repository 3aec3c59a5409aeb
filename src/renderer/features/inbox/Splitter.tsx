import { useRef, type KeyboardEvent, type PointerEvent } from 'react';
import { PANE_BOUNDS, clampWidth, widthForKey, type Pane } from './workspaceLayout';

/**
 * The handle between two panes (WAI-ARIA window splitter): a focusable separator whose value is
 * the pane's width in px. Arrow keys move it (Shift: further), Home/End go to the bounds, Enter
 * hides or shows the pane; a pointer drags it. `onPreview` follows a drag, `onCommit` ends it.
 */
export function Splitter(props: {
  pane: Pane;
  label: string;
  width: number;
  controls: string;
  onPreview: (width: number) => void;
  onCommit: (width: number) => void;
  onToggle: () => void;
}) {
  const { pane, width } = props;
  const drag = useRef<{ x: number; width: number; last: number } | null>(null);
  // The list's handle is its right edge (rightwards widens it); the sidebar's is its left edge.
  const sign = pane === 'list' ? 1 : -1;

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      props.onToggle();
      return;
    }
    const next = widthForKey(pane, width, e.key, e.shiftKey);
    if (next === null) return;
    e.preventDefault();
    if (next !== width) props.onCommit(next);
  };
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    e.preventDefault();
    e.currentTarget.setPointerCapture?.(e.pointerId);
    e.currentTarget.focus();
    drag.current = { x: e.clientX, width, last: width };
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d) return;
    const next = clampWidth(pane, d.width + sign * (e.clientX - d.x));
    if (next === d.last) return;
    d.last = next;
    props.onPreview(next);
  };
  const onPointerUp = () => {
    const d = drag.current;
    drag.current = null;
    if (d && d.last !== d.width) props.onCommit(d.last);
  };

  return (
    <div
      role="separator"
      className={`splitter splitter-${pane}`}
      aria-label={props.label}
      aria-orientation="vertical"
      aria-controls={props.controls}
      aria-valuenow={width}
      aria-valuemin={PANE_BOUNDS[pane].min}
      aria-valuemax={PANE_BOUNDS[pane].max}
      tabIndex={0}
      onKeyDown={onKeyDown}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
    />
  );
}
