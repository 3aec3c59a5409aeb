import { act, cleanup, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationView } from '../../../shared/views';
import type { ApiClient } from '../../api/client';
import { AppProvider } from '../../app/context';
import { createRootStore } from '../../store';
import { PAGE_ROWS, useConversationWindow, type ConversationFilters } from './useConversationWindow';
import type { RowRange } from './virtualWindow';

afterEach(cleanup);

const conversation = (i: number, subject: string): ConversationView => ({
  id: `c${i}`,
  customerId: 'u1',
  channel: 'chat',
  subject,
  status: 'open',
  snoozedUntil: null,
  assigneeId: null,
  teamId: 't1',
  inboxId: null,
  labels: [],
  slaDueAt: null,
  lastMessageAt: '2026-01-01T00:00:00.000Z',
  createdAt: '2026-01-01T00:00:00.000Z',
  customerName: `Customer ${i}`,
  unread: 0,
});

type Call = {
  args: { offset: number; limit: number; status?: string; count?: boolean };
  resolve: () => void;
};

/** main's side of conversations:list over `total` rows; answers wait until the test resolves them. */
function fakeMain(initialTotal: number) {
  const calls: Call[] = [];
  let total = initialTotal;
  let subject = 'before';
  const api = {
    kind: 'browser',
    call: (_channel: string, args: Call['args']) =>
      new Promise((resolve) => {
        calls.push({
          args,
          resolve: () => {
            const n = args.status === 'resolved' ? 3 : total;
            const items: ConversationView[] = [];
            for (let i = args.offset; i < Math.min(n, args.offset + args.limit); i++)
              items.push(conversation(i, subject));
            resolve({ total: args.count === false ? null : n, offset: args.offset, items });
          },
        });
      }),
    on: () => () => {},
    onStatus: () => () => {},
  } as unknown as ApiClient;
  return {
    api,
    calls,
    setSubject: (s: string) => void (subject = s),
    setTotal: (n: number) => void (total = n),
    answerAll: async () => {
      const open = calls.splice(0);
      await act(async () => {
        for (const c of open) c.resolve();
        await Promise.resolve();
      });
      return open.map((c) => c.args.offset / PAGE_ROWS);
    },
  };
}

function setup(total: number) {
  const main = fakeMain(total);
  const store = createRootStore();
  const wrapper = ({ children }: { children: ReactNode }) => (
    <AppProvider api={main.api} store={store}>
      {children}
    </AppProvider>
  );
  const hook = renderHook(
    ({ filters, range, refresh }: { filters: ConversationFilters; range: RowRange; refresh?: number }) =>
      useConversationWindow(filters, range, refresh),
    { wrapper, initialProps: { filters: { view: 'all' }, range: { start: 0, end: 0 } } },
  );
  return { main, store, hook };
}

describe('renderer/features/inbox/useConversationWindow', () => {
  it('asks main only for the pages of the rows in view, and learns the length of the list', async () => {
    const { main, hook } = setup(100_000);
    expect(hook.result.current.total).toBeNull();
    expect(await main.answerAll()).toEqual([0]);
    expect(hook.result.current.total).toBe(100_000);
    expect(hook.result.current.rowAt(0)?.customerName).toBe('Customer 0');

    // Scrolled to row 50,000: one page there, nothing in between.
    hook.rerender({ filters: { view: 'all' }, range: { start: 49_995, end: 50_013 } });
    expect(hook.result.current.rowAt(50_000)).toBeNull();
    expect(await main.answerAll()).toEqual([999, 1000]);
    expect(hook.result.current.rowAt(50_000)?.customerName).toBe('Customer 50000');
    expect(hook.result.current.rowAt(49_995)?.customerName).toBe('Customer 49995');
  });

  it('refreshes the rows in view on data:changed without blanking them', async () => {
    const { main, store, hook } = setup(100_000);
    await main.answerAll();
    hook.rerender({ filters: { view: 'all' }, range: { start: 49_995, end: 50_013 } });
    await main.answerAll();

    main.setSubject('after');
    act(() => store.getState().bumpData());
    // Until main answers, the rows on screen stay as they were.
    expect(hook.result.current.rowAt(50_000)?.subject).toBe('before');
    expect(main.calls.map((c) => c.args.offset / PAGE_ROWS)).toEqual([999, 1000]);
    await main.answerAll();
    expect(hook.result.current.rowAt(50_000)?.subject).toBe('after');
    expect(hook.result.current.total).toBe(100_000);
    // The page out of view from before the change is gone (it would be stale).
    expect(hook.result.current.rowAt(0)).toBeNull();
  });

  it('asks again for the rows in view when told to refresh (the SLA filters, each minute)', async () => {
    const { main, hook } = setup(100_000);
    await main.answerAll();
    hook.rerender({ filters: { view: 'all' }, range: { start: 0, end: 13 }, refresh: 1 });
    expect(main.calls.map((c) => c.args.offset)).toEqual([0]);
    main.setSubject('a minute later');
    await main.answerAll();
    expect(hook.result.current.rowAt(0)?.subject).toBe('a minute later');
  });

  it('starts over on new filters', async () => {
    const { main, hook } = setup(100_000);
    await main.answerAll();
    hook.rerender({ filters: { view: 'all', status: 'resolved' }, range: { start: 0, end: 13 } });
    expect(hook.result.current.total).toBeNull();
    expect(hook.result.current.rowAt(0)).toBeNull();
    await main.answerAll();
    await waitFor(() => expect(hook.result.current.total).toBe(3));
    expect(hook.result.current.rowAt(2)?.customerName).toBe('Customer 2');
    expect(hook.result.current.rowAt(3)).toBeNull();
  });

  it('counts the whole list once per change of data or filters, not for every page', async () => {
    const { main, store, hook } = setup(100_000);
    expect(main.calls.map((c) => c.args.count)).toEqual([true]);
    await main.answerAll();
    hook.rerender({ filters: { view: 'all' }, range: { start: 49_995, end: 50_013 } });
    expect(main.calls.map((c) => c.args.count)).toEqual([false, false]);
    await main.answerAll();
    expect(hook.result.current.total).toBe(100_000);

    // A change while scrolled far down: one of the pages in view brings the new length.
    main.setTotal(100_001);
    act(() => store.getState().bumpData());
    expect(main.calls.map((c) => c.args.count)).toEqual([true, false]);
    await main.answerAll();
    expect(hook.result.current.total).toBe(100_001);

    hook.rerender({ filters: { view: 'all', status: 'resolved' }, range: { start: 0, end: 13 } });
    expect(main.calls.map((c) => c.args.count)).toEqual([true]);
    await main.answerAll();
    await waitFor(() => expect(hook.result.current.total).toBe(3));
  });
});
