import { describe, expect, it } from 'vitest';
import { workspaceLayoutsSchema } from '../../../shared/settings';
import { DEFAULT_LAYOUT, PANE_BOUNDS, layoutFor, resize, setCollapsed, widthForKey } from './workspaceLayout';

describe('renderer/inbox/workspaceLayout', () => {
  it('resizes within bounds, and a resized hidden pane comes back', () => {
    expect(resize(DEFAULT_LAYOUT, 'list', 10_000).listWidth).toBe(PANE_BOUNDS.list.max);
    expect(resize(DEFAULT_LAYOUT, 'sidebar', 3).sidebarWidth).toBe(PANE_BOUNDS.sidebar.min);
    const hidden = setCollapsed(DEFAULT_LAYOUT, 'sidebar', true);
    expect(hidden).toEqual({ ...DEFAULT_LAYOUT, sidebarCollapsed: true });
    expect(resize(hidden, 'sidebar', 400)).toEqual({ ...DEFAULT_LAYOUT, sidebarWidth: 400 });
  });

  it('moves each splitter towards the arrow pressed, further with Shift, to the ends with Home/End', () => {
    // The list's splitter is its right edge; the sidebar's is its left edge.
    expect(widthForKey('list', 320, 'ArrowRight', false)).toBe(336);
    expect(widthForKey('list', 320, 'ArrowLeft', true)).toBe(240);
    expect(widthForKey('sidebar', 300, 'ArrowLeft', false)).toBe(316);
    expect(widthForKey('sidebar', 300, 'ArrowRight', false)).toBe(284);
    expect(widthForKey('sidebar', 300, 'End', false)).toBe(PANE_BOUNDS.sidebar.max);
    expect(widthForKey('list', 300, 'Home', false)).toBe(PANE_BOUNDS.list.min);
    expect(widthForKey('list', 300, 'Enter', false)).toBeNull();
  });

  it("keeps each agent's layout apart, and clamps values from an edited file", () => {
    const layouts = {
      alex: { ...DEFAULT_LAYOUT, listWidth: 400 },
      li: { ...DEFAULT_LAYOUT, listWidth: 710, sidebarCollapsed: true },
    };
    expect(workspaceLayoutsSchema.safeParse(layouts).success).toBe(true);
    expect(layoutFor(layouts, 'alex').listWidth).toBe(400);
    expect(layoutFor(layouts, 'li')).toEqual({
      ...DEFAULT_LAYOUT,
      listWidth: PANE_BOUNDS.list.max,
      sidebarCollapsed: true,
    });
    expect(layoutFor(layouts, 'someone-else')).toEqual(DEFAULT_LAYOUT);
    expect(layoutFor(layouts, null)).toEqual(DEFAULT_LAYOUT);
    expect(workspaceLayoutsSchema.safeParse({ x: { ...DEFAULT_LAYOUT, listWidth: 5 } }).success).toBe(false);
  });
});
