import { describe, expect, it } from 'vitest';
import { pagesOf, rowForKey, scrollToReveal, visibleRange } from './virtualWindow';

describe('renderer/features/inbox/virtualWindow', () => {
  const at = (scrollTop: number, total = 100_000) =>
    visibleRange({ scrollTop, viewportHeight: 500, rowHeight: 50, total, overscan: 3 });

  it('renders the rows in view plus the overscan, whatever the length of the list', () => {
    expect(at(0)).toEqual({ start: 0, end: 13 });
    // Row 1000 at the top: rows 1000–1009 are in view.
    expect(at(50_000)).toEqual({ start: 997, end: 1013 });
    // A row cut by the viewport's edge counts as in view.
    expect(at(50_025)).toEqual({ start: 997, end: 1014 });
    expect(at(4_999_500)).toEqual({ start: 99_987, end: 100_000 });
  });

  it('clamps to the list: short lists, empty lists, and scroll positions past either end', () => {
    expect(at(0, 4)).toEqual({ start: 0, end: 4 });
    expect(at(0, 0)).toEqual({ start: 0, end: 0 });
    expect(at(-200)).toEqual({ start: 0, end: 13 });
    // Scrolled past the end (the list just got shorter): the last rows stay rendered.
    expect(at(9_999_999, 100)).toEqual({ start: 96, end: 100 });
  });

  it('names the pages that hold a range of rows', () => {
    expect(pagesOf({ start: 0, end: 13 }, 50)).toEqual([0]);
    expect(pagesOf({ start: 45, end: 60 }, 50)).toEqual([0, 1]);
    expect(pagesOf({ start: 99_987, end: 100_000 }, 50)).toEqual([1999]);
    expect(pagesOf({ start: 0, end: 0 }, 50)).toEqual([]);
  });

  it('scrolls as little as needed to reveal a row', () => {
    const reveal = (index: number, scrollTop: number) =>
      scrollToReveal({ index, rowHeight: 50, scrollTop, viewportHeight: 500 });
    expect(reveal(3, 0)).toBe(0);
    expect(reveal(10, 0)).toBe(50);
    expect(reveal(99_999, 0)).toBe(4_999_500);
    expect(reveal(0, 4_999_500)).toBe(0);
    expect(reveal(20, 1_025)).toBe(1_000);
  });

  it('moves between rows with the arrows, pages, Home and End, stopping at the ends', () => {
    expect(rowForKey('ArrowDown', 0, 10, 4)).toBe(1);
    expect(rowForKey('ArrowDown', 9, 10, 4)).toBe(9);
    expect(rowForKey('ArrowUp', 0, 10, 4)).toBe(0);
    expect(rowForKey('PageDown', 7, 10, 4)).toBe(9);
    expect(rowForKey('PageUp', 7, 10, 4)).toBe(3);
    expect(rowForKey('Home', 7, 10, 4)).toBe(0);
    expect(rowForKey('End', 0, 10, 4)).toBe(9);
    expect(rowForKey('Enter', 0, 10, 4)).toBeNull();
    expect(rowForKey('ArrowDown', 0, 0, 4)).toBeNull();
  });
});
