import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { VirtualList } from './VirtualList';
import type { RowRange } from './virtualWindow';

afterEach(cleanup);

const TOTAL = 100_000;
const ROW = 76;

// jsdom has no layout: the list uses its fallback viewport height (600 px, so 8 rows in view), and
// scrolling is done by setting scrollTop and sending the scroll event, as a browser would.
function renderList(opts: { loaded?: (i: number) => boolean; onRangeChange?: (r: RowRange) => void } = {}) {
  const loaded = opts.loaded ?? (() => true);
  const ui = () => (
    <VirtualList
      label="Conversations"
      total={TOTAL}
      rowHeight={ROW}
      {...(opts.onRangeChange ? { onRangeChange: opts.onRangeChange } : {})}
      renderRow={(i, tabIndex) =>
        loaded(i) ? (
          <button type="button" tabIndex={tabIndex}>
            Customer {i + 1}
          </button>
        ) : (
          <div data-placeholder="" tabIndex={tabIndex}>
            Loading…
          </div>
        )
      }
    />
  );
  const { rerender } = render(ui());
  const list = screen.getByRole('list', { name: 'Conversations' });
  const scroller = list.parentElement!;
  let top = 0;
  Object.defineProperty(scroller, 'scrollTop', {
    configurable: true,
    get: () => top,
    set: (v: number) => void (top = v),
  });
  const scrollTo = (px: number) => {
    top = px;
    fireEvent.scroll(scroller);
  };
  return { list, scroller, scrollTo, scrollTop: () => top, rerender: () => rerender(ui()) };
}

const rowNames = (list: HTMLElement) =>
  within(list)
    .queryAllByRole('button')
    .map((b) => b.textContent);

describe('renderer/features/inbox/VirtualList', () => {
  it('keeps the DOM bounded at 100,000 rows while the list has their full height', () => {
    const { list, scrollTo } = renderList();
    expect(list.style.height).toBe(`${TOTAL * ROW}px`);
    const first = within(list).getAllByRole('listitem');
    // 8 rows in view and 5 below; none above the top.
    expect(first).toHaveLength(13);
    expect(first[0]!.getAttribute('aria-posinset')).toBe('1');
    expect(first[0]!.getAttribute('aria-setsize')).toBe(String(TOTAL));

    scrollTo(50_000 * ROW);
    const middle = within(list).getAllByRole('listitem');
    // Rows 49,996–50,013 (1-based), plus row 1, which holds the tab stop.
    expect(middle.length).toBeLessThanOrEqual(20);
    expect(rowNames(list)).toContain('Customer 50001');
    expect(rowNames(list)).not.toContain('Customer 2');
    const row = middle.find((li) => li.getAttribute('aria-posinset') === '50001')!;
    expect(row.style.top).toBe(`${50_000 * ROW}px`);

    scrollTo(TOTAL * ROW);
    expect(rowNames(list)).toContain(`Customer ${TOTAL}`);
    expect(within(list).getAllByRole('listitem').length).toBeLessThanOrEqual(20);
  });

  it('moves focus with ArrowUp/ArrowDown, Home and End, scrolling the focused row into view', () => {
    const { list, scrollTop } = renderList();
    const first = within(list).getByRole('button', { name: 'Customer 1' });
    // One tab stop: the first row.
    expect(first.tabIndex).toBe(0);
    expect(within(list).getByRole('button', { name: 'Customer 2' }).tabIndex).toBe(-1);
    first.focus();
    fireEvent.keyDown(first, { key: 'ArrowDown' });
    expect(document.activeElement?.textContent).toBe('Customer 2');
    expect((document.activeElement as HTMLElement).tabIndex).toBe(0);
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowUp' });
    expect(document.activeElement).toBe(first);

    fireEvent.keyDown(first, { key: 'End' });
    expect(document.activeElement?.textContent).toBe(`Customer ${TOTAL}`);
    expect(scrollTop()).toBe(TOTAL * ROW - 600);
    expect(within(list).getAllByRole('listitem').length).toBeLessThanOrEqual(20);
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowUp' });
    expect(document.activeElement?.textContent).toBe(`Customer ${TOTAL - 1}`);

    fireEvent.keyDown(document.activeElement!, { key: 'Home' });
    expect(document.activeElement?.textContent).toBe('Customer 1');
    expect(scrollTop()).toBe(0);

    // Eight rows down the focused row leaves the viewport at the bottom: the list follows it.
    for (let i = 0; i < 8; i++) fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    expect(document.activeElement?.textContent).toBe('Customer 9');
    expect(scrollTop()).toBe(9 * ROW - 600);
  });

  it('focuses a row that is still loading, then the row itself when its data arrives', () => {
    let ready = false;
    const { list, rerender } = renderList({ loaded: (i) => i < 20 || ready });
    const first = within(list).getByRole('button', { name: 'Customer 1' });
    first.focus();
    fireEvent.keyDown(first, { key: 'End' });
    expect(document.activeElement?.textContent).toBe('Loading…');
    ready = true;
    // The page arrives: the list renders again with the row's data.
    rerender();
    expect(document.activeElement?.textContent).toBe(`Customer ${TOTAL}`);
  });

  it('reports the rows in the DOM so their data can be fetched', () => {
    const onRangeChange = vi.fn();
    const { scrollTo } = renderList({ onRangeChange });
    expect(onRangeChange).toHaveBeenLastCalledWith({ start: 0, end: 13 });
    scrollTo(1_000 * ROW);
    expect(onRangeChange).toHaveBeenLastCalledWith({ start: 995, end: 1013 });
  });
});
