import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { InboxFilters } from '../../../shared/inboxFilters';
import type { SessionState } from '../../../shared/session';
import type { ApiClient } from '../../api/client';
import { AppProvider } from '../../app/context';
import { createI18n } from '../../i18n';
import { createRootStore, type RootStore } from '../../store';
import { ListState } from './ListState';
import { OfflineBanner } from './PaneStates';
import { DEFAULT_FILTERS } from './savedViews';

afterEach(cleanup);

/** Main answering `conversations:list` with `total` conversations in all. */
function fakeMain(total: number) {
  const call = vi.fn((channel: string) =>
    Promise.resolve(channel === 'conversations:list' ? { total, offset: 0, items: [] } : null),
  );
  return { api: { kind: 'browser', call, on: () => () => {}, onStatus: () => () => {} }, call };
}

async function show(
  ui: React.ReactNode,
  opts: { total?: number; store?: RootStore; locale?: 'en' | 'zh-CN' | 'zh-TW' } = {},
) {
  const store = opts.store ?? createRootStore();
  const main = fakeMain(opts.total ?? 0);
  render(
    <AppProvider api={main.api as unknown as ApiClient} store={store}>
      <I18nextProvider i18n={createI18n(opts.locale ?? 'en')}>{ui}</I18nextProvider>
    </AppProvider>,
  );
  await act(async () => {});
  return { store, call: main.call };
}

function session(status: SessionState['sync']['status'], pending = 0): SessionState {
  return {
    status: 'signedIn',
    relayUrl: 'http://relay.test',
    email: 'agent@demo.switchboard',
    sync: { status, pending },
    rejected: 0,
    notice: null,
  } as unknown as SessionState;
}

describe('renderer/inbox/ListState', () => {
  const list = (p: { total: number | null; error?: string; filters?: InboxFilters }, onFilters = vi.fn()) => (
    <ListState
      total={p.total}
      error={p.error ?? null}
      filters={p.filters ?? DEFAULT_FILTERS}
      onFilters={onFilters}
    />
  );

  it('shows labelled skeleton rows until the first answer', async () => {
    await show(list({ total: null }));
    const status = screen.getByRole('status', { name: 'Loading conversations…' });
    expect(status.querySelectorAll('.skeleton-row')).toHaveLength(6);
  });

  it('says a failed list and asks again on Retry', async () => {
    const { store } = await show(list({ total: null, error: 'The cache is locked.' }));
    expect(screen.getByRole('alert').textContent).toBe('The cache is locked.');
    expect(screen.getByText(/restart Switchboard/)).toBeTruthy();
    const before = store.getState().dataVersion;
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(store.getState().dataVersion).toBe(before + 1);
  });

  it('tells no conversations at all apart from none matching the filters', async () => {
    await show(list({ total: 0 }), { total: 0 });
    expect(screen.getByText('No conversations yet')).toBeTruthy();
    expect(screen.getByText(/use New conversation above/)).toBeTruthy();
    expect(screen.queryByRole('button')).toBeNull();
    cleanup();

    // The default filters (open ones) with nothing open: caught up, and the way to the others.
    const picked = vi.fn();
    await show(list({ total: 0 }, picked), { total: 12 });
    expect(screen.getByText('No open conversations: all caught up')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Show all conversations' }));
    expect(picked).toHaveBeenCalledWith({ view: 'all' });
    cleanup();

    const cleared = vi.fn();
    await show(list({ total: 0, filters: { view: 'mine', channel: 'email' } }, cleared), { total: 12 });
    expect(screen.getByText('Nothing matches these filters')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(cleared).toHaveBeenCalledWith(DEFAULT_FILTERS);
  });

  it('shows nothing once there are rows, and asks for no count then', async () => {
    const { call } = await show(list({ total: 3 }), { total: 3 });
    expect(screen.queryByRole('status')).toBeNull();
    expect(screen.queryByRole('button')).toBeNull();
    expect(call).not.toHaveBeenCalled();
  });

  it('speaks Chinese too', async () => {
    await show(list({ total: 0, filters: { view: 'mine' } }), { total: 2, locale: 'zh-CN' });
    expect(screen.getByRole('button', { name: '清除筛选条件' })).toBeTruthy();
    cleanup();
    await show(list({ total: null }), { locale: 'zh-TW' });
    expect(screen.getByRole('status', { name: '正在載入對話…' })).toBeTruthy();
  });
});

describe('renderer/inbox/OfflineBanner', () => {
  const banner = () => screen.queryByRole('status', { name: 'Offline notice' });

  it('says the panes show the cache and replies queue while the relay is out of reach', async () => {
    const store = createRootStore();
    store.getState().setSession(session('online'));
    await show(<OfflineBanner />, { store });
    expect(banner()).toBeNull();

    act(() => store.getState().setSession(session('offline', 2)));
    expect(banner()!.textContent).toBe(
      'Offline: showing what is on this computer; replies are queued and go out when the relay is back. 2 changes waiting to be sent.',
    );
    // Reconnect attempts do not make it flicker; being back online removes it.
    act(() => store.getState().setSession(session('connecting', 2)));
    expect(banner()).not.toBeNull();
    act(() => store.getState().setSession(session('syncing', 0)));
    expect(banner()).toBeNull();
  });

  it('is not shown while first connecting after launch, nor when signed out', async () => {
    const store = createRootStore();
    store.getState().setSession(session('connecting'));
    await show(<OfflineBanner />, { store });
    expect(banner()).toBeNull();
    act(() => store.getState().setSession({ ...session('offline'), status: 'signedOut' }));
    expect(banner()).toBeNull();
  });
});
