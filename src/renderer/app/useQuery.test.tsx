import { act, cleanup, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiClient } from '../api/client';
import { createRootStore } from '../store';
import { AppProvider } from './context';
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
  return { api, answer: (id: string) => pending.get(id)?.({ customer: { id } }) };
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
});
