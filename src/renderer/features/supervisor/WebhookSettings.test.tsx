import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it } from 'vitest';
import type { TeamSettingsView } from '../../../shared/api';
import type { InboxWebhookView } from '../../../shared/relayRoutes';
import { ApiCallError, type ApiClient } from '../../api/client';
import { AppProvider } from '../../app/context';
import { createI18n } from '../../i18n';
import { createRootStore } from '../../store';
import { WebhookSettings } from './WebhookSettings';

afterEach(cleanup);

const inbox: TeamSettingsView['inboxes'][number] = {
  id: '0190f5b4-7f1c-7c5e-9a59-4b9f3f0c2a11',
  name: 'Shop API',
  channel: 'api',
  routing: {} as TeamSettingsView['inboxes'][number]['routing'],
  sla: null,
};
const view = (url: string): InboxWebhookView => ({
  inboxId: inbox.id,
  url,
  secretSet: true,
  updatedAt: '2026-12-03T10:00:00.000Z',
  updatedBy: null,
});

type Answer = { resolve: (v: unknown) => void; reject: (e: unknown) => void };

/** Main as the form sees it: each call waits until the test answers it. */
function fakeMain() {
  const calls: [string, unknown][] = [];
  const pending: Answer[] = [];
  const api = {
    kind: 'browser',
    call: (channel: string, args: unknown) => {
      calls.push([channel, args]);
      return new Promise((resolve, reject) => pending.push({ resolve, reject }));
    },
    on: () => () => {},
    onStatus: () => () => {},
  } as unknown as ApiClient;
  const next = () => {
    const a = pending.shift();
    if (!a) throw new Error('no call is waiting');
    return a;
  };
  return {
    api,
    calls,
    answer: (v: unknown) => act(async () => next().resolve(v)),
    refuse: (e: unknown) => act(async () => next().reject(e)),
  };
}

function show(api: ApiClient, lang: 'en' | 'zh-CN' = 'en') {
  render(
    <AppProvider api={api} store={createRootStore()}>
      <I18nextProvider i18n={createI18n(lang)}>
        <WebhookSettings inbox={inbox} />
      </I18nextProvider>
    </AppProvider>,
  );
  return screen.getByRole('form', { name: lang === 'en' ? 'Webhook of Shop API' : 'Shop API 的 Webhook' });
}

describe('renderer/supervisor/WebhookSettings', () => {
  it('says replies cannot be sent without a webhook, tests and saves one, and shows a made secret once', async () => {
    const main = fakeMain();
    const form = show(main.api);
    expect(main.calls).toEqual([['teams:getWebhook', { inboxId: inbox.id }]]);
    await main.answer({ webhook: null });
    expect(within(form).getByText(/No webhook: replies in this inbox cannot be sent/)).toBeTruthy();
    expect(within(form).queryByRole('button', { name: 'Remove webhook' })).toBeNull();

    fireEvent.change(within(form).getByLabelText('Webhook URL'), {
      target: { value: 'https://hooks.example.com/sb' },
    });
    expect(within(form).getByLabelText('Signing secret (optional)').getAttribute('type')).toBe('password');
    fireEvent.click(within(form).getByRole('button', { name: 'Test and save webhook' }));
    expect(main.calls[1]).toEqual([
      'teams:setWebhook',
      { inboxId: inbox.id, url: 'https://hooks.example.com/sb' },
    ]);
    expect(within(form).getByRole('status').textContent).toBe('Testing the webhook…');
    expect(
      (within(form).getByRole('button', { name: 'Test and save webhook' }) as HTMLButtonElement).disabled,
    ).toBe(true);

    await main.answer({ ...view('https://hooks.example.com/sb'), secret: 'a'.repeat(64) });
    expect(within(form).getByRole('status').textContent).toContain('Webhook tested and saved');
    expect(within(form).getByText(/posted to https:\/\/hooks\.example\.com\/sb/)).toBeTruthy();
    const made = within(form).getByLabelText('Signing secret the relay made') as HTMLInputElement;
    expect(made.value).toBe('a'.repeat(64));
    expect(within(form).getByText(/Copy it now/)).toBeTruthy();
    fireEvent.click(within(form).getByRole('button', { name: 'I have copied it' }));
    expect(within(form).queryByLabelText('Signing secret the relay made')).toBeNull();
  });

  it('shows the relay’s words when the test fails, and what to fix before asking it', async () => {
    const main = fakeMain();
    const form = show(main.api);
    await main.answer({ webhook: view('https://old.example.com/') });
    fireEvent.change(within(form).getByLabelText('Webhook URL'), { target: { value: 'ftp://x' } });
    fireEvent.change(within(form).getByLabelText('Signing secret (optional)'), {
      target: { value: 'short' },
    });
    fireEvent.click(within(form).getByRole('button', { name: 'Test and save webhook' }));
    expect(main.calls).toHaveLength(1);
    expect(within(form).getByText(/starting with https:\/\//)).toBeTruthy();
    expect(within(form).getByText(/16 to 200 characters/)).toBeTruthy();
    expect(within(form).getByLabelText('Webhook URL').getAttribute('aria-invalid')).toBe('true');

    fireEvent.change(within(form).getByLabelText('Webhook URL'), {
      target: { value: 'https://new.example.com/' },
    });
    fireEvent.change(within(form).getByLabelText('Signing secret (optional)'), {
      target: { value: 's'.repeat(20) },
    });
    fireEvent.click(within(form).getByRole('button', { name: 'Test and save webhook' }));
    expect(main.calls[1]).toEqual([
      'teams:setWebhook',
      { inboxId: inbox.id, url: 'https://new.example.com/', secret: 's'.repeat(20) },
    ]);
    await main.refuse(
      new ApiCallError({
        code: 'LOCAL_ERR_INVALID_MUTATION',
        message: 'The webhook answered 500. Nothing was saved.',
      }),
    );
    const alert = within(form).getByRole('alert');
    expect(alert.textContent).toContain('The webhook answered 500. Nothing was saved.');
    expect(alert.textContent).toContain('then save again');
    expect(within(form).getByText(/posted to https:\/\/old\.example\.com\//)).toBeTruthy();
    expect(within(form).queryByRole('status')).toBeNull();
  });

  it('removes the webhook only after confirmation', async () => {
    const main = fakeMain();
    const form = show(main.api);
    await main.answer({ webhook: view('https://old.example.com/') });
    fireEvent.click(within(form).getByRole('button', { name: 'Remove webhook' }));
    const dialog = within(form).getByRole('alertdialog');
    expect(dialog.textContent).toContain('Replies in this inbox cannot be sent until a new one is set');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Keep it' }));
    expect(main.calls).toHaveLength(1);

    fireEvent.click(within(form).getByRole('button', { name: 'Remove webhook' }));
    fireEvent.click(within(within(form).getByRole('alertdialog')).getByRole('button', { name: 'Remove' }));
    expect(main.calls[1]).toEqual(['teams:removeWebhook', { inboxId: inbox.id }]);
    await main.answer({ inboxId: inbox.id, removed: true });
    expect(within(form).getByRole('status').textContent).toContain('Webhook removed');
    expect(within(form).getByText(/No webhook/)).toBeTruthy();
  });

  it('says when the current webhook cannot be read, and reads it again on request (in Chinese too)', async () => {
    const main = fakeMain();
    const form = show(main.api, 'zh-CN');
    await main.refuse(new ApiCallError({ code: 'LOCAL_ERR_OFFLINE', message: 'offline' }));
    expect(within(form).getByText('无法连接中继服务器。请在恢复联网后重试。')).toBeTruthy();
    fireEvent.click(within(form).getByRole('button', { name: '重试' }));
    expect(main.calls).toHaveLength(2);
    await main.answer({ webhook: null });
    expect(within(form).getByText(/没有 Webhook/)).toBeTruthy();
  });
});
