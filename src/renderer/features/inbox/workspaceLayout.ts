import type { WorkspaceLayout } from '../../../shared/settings';

/** The layout before an agent changes it: room for the list's rows and the sidebar's fields. */
export const DEFAULT_LAYOUT: WorkspaceLayout = {
  listWidth: 320,
  sidebarWidth: 300,
  listCollapsed: false,
  sidebarCollapsed: false,
};

/** Bounds of each resizable pane in CSS px (the settings schema accepts a little more). */
export const PANE_BOUNDS = {
  list: { min: 240, max: 560 },
  sidebar: { min: 240, max: 520 },
} as const;
export type Pane = keyof typeof PANE_BOUNDS;

/** One arrow-key press moves a splitter this far; with Shift (or Page keys) ten times as far. */
export const KEY_STEP = 16;

const widthKey = (pane: Pane) => (pane === 'list' ? 'listWidth' : 'sidebarWidth');
const collapsedKey = (pane: Pane) => (pane === 'list' ? 'listCollapsed' : 'sidebarCollapsed');

/** A pane's width held to its bounds (whole px). */
export function clampWidth(pane: Pane, width: number): number {
  const { min, max } = PANE_BOUNDS[pane];
  return Math.round(Math.min(max, Math.max(min, width)));
}

/** The layout with one pane resized (clamped); resizing a hidden pane shows it again. */
export function resize(layout: WorkspaceLayout, pane: Pane, width: number): WorkspaceLayout {
  return { ...layout, [widthKey(pane)]: clampWidth(pane, width), [collapsedKey(pane)]: false };
}

/** The layout with one pane hidden or shown (its width is kept for when it comes back). */
export function setCollapsed(layout: WorkspaceLayout, pane: Pane, collapsed: boolean): WorkspaceLayout {
  return { ...layout, [collapsedKey(pane)]: collapsed };
}

export function widthOf(layout: WorkspaceLayout, pane: Pane): number {
  return layout[widthKey(pane)];
}

export function isCollapsed(layout: WorkspaceLayout, pane: Pane): boolean {
  return layout[collapsedKey(pane)];
}

/**
 * The width a splitter key asks for, or null for a key it does not handle. The list's splitter
 * is at the list's right edge (ArrowRight widens it); the sidebar's is at its left edge
 * (ArrowLeft widens it). Home and End go to the bounds.
 */
export function widthForKey(pane: Pane, width: number, key: string, shift: boolean): number | null {
  const step = shift ? KEY_STEP * 10 : KEY_STEP;
  const grow = pane === 'list' ? 1 : -1;
  switch (key) {
    case 'ArrowRight':
      return clampWidth(pane, width + grow * step);
    case 'ArrowLeft':
      return clampWidth(pane, width - grow * step);
    case 'PageUp':
      return clampWidth(pane, width + KEY_STEP * 10);
    case 'PageDown':
      return clampWidth(pane, width - KEY_STEP * 10);
    case 'Home':
      return PANE_BOUNDS[pane].min;
    case 'End':
      return PANE_BOUNDS[pane].max;
    default:
      return null;
  }
}

/** An agent's saved layout, or the default; values from an older or edited file are clamped. */
export function layoutFor(
  layouts: Readonly<Record<string, WorkspaceLayout>> | undefined,
  agentId: string | null,
): WorkspaceLayout {
  const saved = agentId ? layouts?.[agentId] : undefined;
  if (!saved) return DEFAULT_LAYOUT;
  return {
    ...saved,
    listWidth: clampWidth('list', saved.listWidth),
    sidebarWidth: clampWidth('sidebar', saved.sidebarWidth),
  };
}
