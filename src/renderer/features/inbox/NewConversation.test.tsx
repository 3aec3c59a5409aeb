import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../api/client';
import { AppProvider } from '../../app/context';
import { createI18n } from '../../i18n';
import { createRootStore } from '../../store';
import type { PhoneControls } from '../phone/phoneSlice';
import { NewConversation } from './NewConversation';

afterEach(cleanup);

const MEI = '0190f5b4-7f1c-7c5e-9a59-4b9f3f0c2a11';
const LU = '0190f5b4-7f1c-7c5e-9a59-4b9f3f0c2a22';
const customer = (id: string, name: string, emails: string[], phones: string[]) => ({
  customer: { id, name, emails, phones, company: '', address: '', language: '', customFields: {} },
  conversations: [],
  history: [],
  calls: [],
  mergedInto: null,
  mergedFrom: [],
});

/** The panel over an app API answering the local search and profiles as main would. */
function show(lang: 'en' | 'zh-TW' = 'en', registration: 'registered' | 'stopped' = 'registered') {
  const calls: [string, unknown][] = [];
  const dialled: [string, string | undefined][] = [];
  const started: string[] = [];
  let closed = 0;
  const api = {
    kind: 'browser',
    call: (channel: string, args: { q?: string; id?: string }) => {
      calls.push([channel, args]);
      if (channel === 'search:query')
        return Promise.resolve(
          args.q === 'nobody'
            ? [{ entity: 'message', id: 'm', conversationId: 'c', body: 'nobody here' }]
            : [
                { entity: 'customer', id: MEI, name: 'Mei Chen', company: 'Acme' },
                { entity: 'customer', id: LU, name: 'Lu Wang', company: '' },
              ],
        );
      if (channel === 'customers:get')
        return Promise.resolve(
          args.id === MEI
            ? customer(MEI, 'Mei Chen', ['mei@home.test', 'mei@work.test'], ['+14155550100'])
            : customer(LU, 'Lu Wang', [], []),
        );
      if (channel === 'conversations:startEmail')
        return Promise.resolve({ conversationId: 'new-conv', messageId: 'm1' });
      return Promise.reject(new Error(`unexpected ${channel}`));
    },
    on: () => () => {},
    onStatus: () => () => {},
  } as unknown as ApiClient;
  const store = createRootStore();
  store.setState({
    registration,
    phoneCtl: { dial: (n: string, c?: string) => dialled.push([n, c]) } as unknown as PhoneControls,
  });
  render(
    <AppProvider api={api} store={store}>
      <I18nextProvider i18n={createI18n(lang)}>
        <NewConversation id="nc" open onClose={() => closed++} onStarted={(id) => started.push(id)} />
      </I18nextProvider>
    </AppProvider>,
  );
  return { calls, dialled, started, store, closed: () => closed };
}

describe('renderer/inbox/NewConversation', () => {
  it('finds a customer, then writes to the address picked or calls their number as theirs', async () => {
    const { calls, dialled, started } = show();
    const panel = screen.getByRole('dialog', { name: 'New conversation' });
    expect(panel.textContent).toMatch(/Type a name/);
    fireEvent.change(screen.getByRole('searchbox', { name: 'Find a customer' }), {
      target: { value: 'mei' },
    });
    const results = await screen.findByRole('list', { name: 'Customers found' });
    fireEvent.click(await waitFor(() => screen.getByRole('button', { name: /Mei Chen/ })));
    expect(results.isConnected).toBe(false);

    fireEvent.click(await screen.findByRole('button', { name: 'Call +14155550100' }));
    expect(dialled).toEqual([['+14155550100', MEI]]);

    fireEvent.change(screen.getByRole('combobox', { name: 'To' }), { target: { value: 'mei@work.test' } });
    fireEvent.change(screen.getByLabelText('Subject'), { target: { value: 'Your order' } });
    fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'It ships today.' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send email' }));
    await waitFor(() => expect(started).toEqual(['new-conv']));
    expect(calls.find(([c]) => c === 'conversations:startEmail')?.[1]).toEqual({
      customerId: MEI,
      to: 'mei@work.test',
      subject: 'Your order',
      body: 'It ships today.',
    });
  });

  it('says what to do for a customer with no address or number, and when nobody matches (zh-TW)', async () => {
    const { closed } = show('zh-TW');
    const search = screen.getByRole('searchbox', { name: '尋找客戶' });
    fireEvent.change(search, { target: { value: 'nobody' } });
    expect((await screen.findByRole('status')).textContent).toMatch(/沒有相符的客戶/);
    fireEvent.change(search, { target: { value: 'lu' } });
    fireEvent.click(await screen.findByRole('button', { name: /Lu Wang/ }));
    const panel = screen.getByRole('dialog', { name: '新增對話' });
    await waitFor(() => expect(panel.textContent).toMatch(/沒有電子郵件地址/));
    expect(panel.textContent).toMatch(/沒有電話號碼/);
    expect(screen.queryByRole('form')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: '選擇其他客戶' }));
    expect(screen.getByRole('searchbox', { name: '尋找客戶' })).toBeTruthy();
    fireEvent.keyDown(screen.getByRole('searchbox'), { key: 'Escape' });
    fireEvent.click(screen.getByRole('button', { name: '關閉新增對話' }));
    expect(closed()).toBe(2);
  });

  it('with no phone connected, puts the number and the customer in the dial pad and opens the phone', async () => {
    const { dialled, store } = show('en', 'stopped');
    fireEvent.change(screen.getByRole('searchbox', { name: 'Find a customer' }), {
      target: { value: 'mei' },
    });
    fireEvent.click(await screen.findByRole('button', { name: /Mei Chen/ }));
    fireEvent.click(await screen.findByRole('button', { name: 'Call +14155550100' }));
    expect(dialled).toEqual([]);
    expect(store.getState()).toMatchObject({
      view: 'phone',
      dialNumber: '+14155550100',
      dialCustomerId: MEI,
    });
    // Typing another number forgets whose it was.
    store.getState().setDialNumber('+14155550199');
    expect(store.getState().dialCustomerId).toBeNull();
  });
});
