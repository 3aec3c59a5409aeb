import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../api/client';
import { AppProvider } from '../../app/context';
import { createI18n } from '../../i18n';
import { createRootStore } from '../../store';
import { CommandPalette } from './CommandPalette';

afterEach(cleanup);
beforeAll(() => {
  // cmdk keeps the selected option in view; jsdom lays nothing out.
  Element.prototype.scrollIntoView = () => {};
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as never;
});

/** The palette over a store signed in as an agent, and an app API that records the calls it gets. */
function show(lang: 'en' | 'zh-CN' = 'en') {
  const store = createRootStore();
  store.setState({
    session: { status: 'signedIn', agent: { role: 'agent' } },
    agent: { state: 'available', since: '2026-01-15T09:00:00.000Z' },
  } as never);
  const calls: [string, unknown][] = [];
  const answers: Record<string, unknown> = {
    'conversations:list': { items: [], total: 0 },
    'search:query': [
      { entity: 'customer', id: 'cust-1', name: 'Michael Smith', company: 'Acme' },
      { entity: 'message', id: 'm1', conversationId: 'conv-9', body: 'Michael asked about his order' },
    ],
    'agent:setState': { state: 'away', reason: 'lunch', since: '2026-01-15T09:30:00.000Z' },
  };
  const api = {
    kind: 'browser',
    call: (channel: string, args: unknown) => {
      calls.push([channel, args]);
      return Promise.resolve(answers[channel] ?? null);
    },
    on: () => () => {},
    onStatus: () => () => {},
  };
  render(
    <AppProvider api={api as unknown as ApiClient} store={store}>
      <I18nextProvider i18n={createI18n(lang)}>
        <CommandPalette />
      </I18nextProvider>
    </AppProvider>,
  );
  act(() => {
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'k', ctrlKey: true }));
  });
  const input = screen.getByRole('combobox');
  return { store, calls, input };
}

describe('renderer/shell/CommandPalette', () => {
  it('opens a customer found by the search on their profile in the Customers place, and closes', async () => {
    const { store, input } = show();
    fireEvent.change(input, { target: { value: 'Michael' } });
    const customer = await screen.findByRole('option', { name: /Michael Smith/ });
    fireEvent.click(customer);
    expect(store.getState()).toMatchObject({ view: 'customers', selectedCustomerId: 'cust-1' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('changes the status with an away reason, in the language of the app', async () => {
    const { store, calls, input } = show('zh-CN');
    fireEvent.change(input, { target: { value: '午餐' } });
    fireEvent.click(await screen.findByRole('option', { name: /离开 · 午餐/ }));
    await waitFor(() => expect(store.getState().agent).toMatchObject({ state: 'away', reason: 'lunch' }));
    expect(calls).toContainEqual(['agent:setState', { state: 'away', reason: 'lunch' }]);
  });
});
