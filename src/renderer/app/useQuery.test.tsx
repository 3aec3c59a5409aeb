import { act, cleanup, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiClient } from '../api/client';
import { createRootStore } from '../store';
import { AppProvider } from './context';
import { prefetch } from './prefetch';
import { useQuery } from './useQuery';

afterEach(cleanup);

/** customers:get answers only when the test says so. */
function fakeMain() {
  const pending = new Map<string, (v: unknown) => void>();
  const api = {
    kind: 'browser',
    call: (_channel: string, args: { id: string }) => new Promise((resolve) => pending.set(args.id, resolve)),
    on: () => () => {},
    onStatus: () => () => {},
  } as unknown as ApiClient;
  const calls: string[] = [];
  const counted = {
    ...api,
    call: (channel: string, args: { id: string }) => {
      calls.push(args.id);
      return api.call(channel as never, args as never);
    },
  } as unknown as ApiClient;
  return { api: counted, calls, answer: (id: string) => pending.get(id)?.({ customer: { id } }) };
}

describe('renderer/app/useQuery', () => {
  it("never shows the previous arguments' answer as the new one's (no acting on the wrong record)", async () => {
    const main = fakeMain();
    const store = createRootStore();
    const wrapper = (p: { children: ReactNode }) => (
      <AppProvider api={main.api} store={store}>
        {p.children}
      </AppProvider>
    );
    const hook = renderHook((p: { id: string }) => useQuery('customers:get', { id: p.id }), {
      wrapper,
      initialProps: { id: 'a' },
    });
    act(() => main.answer('a'));
    await waitFor(() => expect(hook.result.current.data).toMatchObject({ customer: { id: 'a' } }));
    // Another record opens: until its answer arrives there is none, not a's.
    hook.rerender({ id: 'b' });
    expect(hook.result.current).toMatchObject({ data: null, loading: true });
    act(() => main.answer('b'));
    await waitFor(() => expect(hook.result.current.data).toMatchObject({ customer: { id: 'b' } }));
    // A refresh of the same record keeps its answer on screen while it reloads.
    act(() => store.getState().bumpData());
    expect(hook.result.current.data).toMatchObject({ customer: { id: 'b' } });
  });

  it('uses a call prefetched for the same arguments and data version: asked once, shown at once when in', async () => {
    const main = fakeMain();
    const store = createRootStore();
    const wrapper = (p: { children: ReactNode }) => (
      <AppProvider api={main.api} store={store}>
        {p.children}
      </AppProvider>
    );
    // Answered before the view renders: its first render has the data.
    prefetch(main.api, 'customers:get', { id: 'p1' }, store.getState().dataVersion);
    act(() => main.answer('p1'));
    await Promise.resolve();
    const ready = renderHook(() => useQuery('customers:get', { id: 'p1' }), { wrapper });
    expect(ready.result.current).toMatchObject({ data: { customer: { id: 'p1' } }, loading: false });
    // Still under way when the view renders: the view waits for that call rather than asking again.
    prefetch(main.api, 'customers:get', { id: 'p2' }, store.getState().dataVersion);
    const waiting = renderHook(() => useQuery('customers:get', { id: 'p2' }), { wrapper });
    expect(waiting.result.current.loading).toBe(true);
    act(() => main.answer('p2'));
    await waitFor(() => expect(waiting.result.current.data).toMatchObject({ customer: { id: 'p2' } }));
    expect(main.calls).toEqual(['p1', 'p2']);
    // Prefetched for an older data version: not used, asked again.
    prefetch(main.api, 'customers:get', { id: 'p3' }, store.getState().dataVersion);
    act(() => store.getState().bumpData());
    renderHook(() => useQuery('customers:get', { id: 'p3' }), { wrapper });
    // (the views above ask again too: the data changed)
    expect(main.calls.filter((id) => id === 'p3')).toEqual(['p3', 'p3']);
  });
});
