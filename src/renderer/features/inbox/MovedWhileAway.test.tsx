import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it } from 'vitest';
import type { MovedWhileAway as Moved } from '../../../shared/routing';
import type { ApiClient } from '../../api/client';
import { AppProvider } from '../../app/context';
import { createI18n } from '../../i18n';
import { createRootStore } from '../../store';
import { MovedWhileAway } from './MovedWhileAway';

afterEach(cleanup);

const wen: Moved = {
  conversationId: '0190f5b4-7f1c-7c5e-9a59-4b9f3f0c2a11',
  channel: 'chat',
  customerName: 'Wen',
  subject: 'Where is my parcel?',
  movedAt: '2026-12-02T03:00:00.000Z',
  reason: 'customer-waiting',
};

/** Main as the notice sees it: the list call answers when told; events are pushed by the test. */
function fakeMain(listed: Moved[]) {
  const calls: [string, unknown][] = [];
  let push: (m: Moved[]) => void = () => {};
  let answer: () => void = () => {};
  const api = {
    kind: 'browser',
    call: (channel: string, args: unknown) => {
      calls.push([channel, args]);
      if (channel === 'inbox:listMovedWhileAway') return new Promise((r) => (answer = () => r(listed)));
      return Promise.resolve({ sent: true });
    },
    on: (event: string, listener: (m: Moved[]) => void) => {
      if (event === 'inbox:movedWhileAway') push = listener;
      return () => {};
    },
    onStatus: () => () => {},
  } as unknown as ApiClient;
  return { api, calls, push: (m: Moved[]) => push(m), answer: () => answer() };
}

function show(api: ApiClient, lang: 'en' | 'zh-CN' = 'en') {
  const store = createRootStore();
  render(
    <AppProvider api={api} store={store}>
      <I18nextProvider i18n={createI18n(lang)}>
        <MovedWhileAway />
      </I18nextProvider>
    </AppProvider>,
  );
  return store;
}

describe('renderer/inbox/MovedWhileAway', () => {
  it('tells the agent what moved while they were offline and why, opens it, and dismisses it everywhere', async () => {
    const main = fakeMain([wen]);
    const store = show(main.api);
    await act(async () => main.answer());
    expect(screen.getByRole('status').textContent).toContain(
      'While you were offline, 1 conversation whose customer was waiting moved to colleagues:',
    );
    expect(screen.getByRole('status').textContent).toContain('Web chat · Wen · Where is my parcel?');
    expect(screen.getByRole('status').textContent).toContain(
      'your email and API conversations are still yours',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Open the conversation with Wen' }));
    expect(store.getState().selectedConversationId).toBe(wen.conversationId);
    fireEvent.click(screen.getByRole('button', { name: 'Got it, hide this' }));
    expect(screen.queryByRole('status')).toBeNull();
    expect(main.calls).toContainEqual(['inbox:dismissMovedWhileAway', { upTo: wen.movedAt }]);
  });

  it('an event pushed while the first load is in flight wins over its answer', async () => {
    const main = fakeMain([]);
    show(main.api, 'zh-CN');
    const lee = { ...wen, conversationId: 'x', customerName: 'Lee', channel: 'voice' as const };
    act(() => main.push([wen, lee]));
    await act(async () => main.answer());
    expect(screen.getByRole('status').textContent).toContain(
      '您离线期间，有 2 个客户仍在等待的会话已转给同事',
    );
    expect(screen.getAllByRole('button', { name: /打开与/ })).toHaveLength(2);
  });
});
