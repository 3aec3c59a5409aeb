import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it } from 'vitest';
import { replyRoute } from '../../../shared/replyRoute';
import type { Language } from '../../../shared/settings';
import { createI18n } from '../../i18n';
import { ReplyChannel } from './ReplyChannel';

afterEach(cleanup);

const open = { status: 'open', inboxWebhook: false } as const;
const withWebhook = { status: 'open', inboxWebhook: true } as const;

function show(route: ReturnType<typeof replyRoute>, lang: Language = 'en') {
  const notes: number[] = [];
  render(
    <I18nextProvider i18n={createI18n(lang)}>
      <ReplyChannel route={route} id="route" onWriteNote={() => notes.push(1)} />
    </I18nextProvider>,
  );
  return notes;
}

describe('renderer/inbox/ReplyChannel', () => {
  it('names where a reply goes out: web chat, email to the address, the API channel with a webhook', () => {
    show(replyRoute('email', { emails: ['ana@example.com'] }, open));
    expect(screen.getByText('Your reply goes by email to ana@example.com.')).toBeTruthy();
    cleanup();
    show(replyRoute('chat', null, open));
    expect(screen.getByText(/by web chat/)).toBeTruthy();
    cleanup();
    show(replyRoute('api', null, withWebhook));
    expect(screen.getByText(/API channel/)).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says why a reply cannot go out and offers a note instead, in Chinese too', () => {
    const notes = show(replyRoute('voice', null, open));
    expect(screen.getByRole('alert').textContent).toMatch(/call/);
    fireEvent.click(screen.getByRole('button', { name: 'Write a note instead' }));
    expect(notes).toEqual([1]);
    cleanup();
    show(replyRoute('email', { emails: [] }, open));
    expect(screen.getByRole('alert').textContent).toMatch(/no email address.*Add an address/);
    cleanup();
    show(replyRoute('sms', null, open), 'zh-CN');
    expect(screen.getByRole('alert').textContent).toMatch(/未连接/);
    expect(screen.getByRole('button', { name: '改写备注' })).toBeTruthy();
  });

  it('refuses a reply on an API inbox without a webhook and on a closed web chat, in Chinese too', () => {
    show(replyRoute('api', null, open));
    expect(screen.getByRole('alert').textContent).toMatch(/no webhook.*admin/);
    expect(screen.getByRole('button', { name: 'Write a note instead' })).toBeTruthy();
    cleanup();
    show(replyRoute('chat', null, { status: 'resolved', inboxWebhook: false }));
    expect(screen.getByRole('alert').textContent).toMatch(/chat is closed.*Reopen/);
    cleanup();
    show(replyRoute('api', null, open), 'zh-TW');
    expect(screen.getByRole('alert').textContent).toMatch(/Webhook/);
    cleanup();
    show(replyRoute('chat', null, { status: 'resolved', inboxWebhook: false }), 'zh-CN');
    expect(screen.getByRole('alert').textContent).toMatch(/已关闭/);
  });

  it('refuses a reply on a web chat whose visitor left, saying what to do instead, until they are back', () => {
    const left = { ...open, visitorLeftAt: '2026-01-01T00:00:00.000Z' };
    expect(replyRoute('chat', null, left)).toEqual({ ok: false, reason: 'visitorLeft' });
    expect(replyRoute('chat', null, { ...open, visitorLeftAt: null })).toEqual({ ok: true, channel: 'chat' });
    show(replyRoute('chat', null, left));
    expect(screen.getByRole('alert').textContent).toMatch(/visitor left the chat.*by email or call/);
    expect(screen.getByRole('button', { name: 'Write a note instead' })).toBeTruthy();
    cleanup();
    show(replyRoute('chat', null, left), 'zh-TW');
    expect(screen.getByRole('alert').textContent).toMatch(/訪客已離開/);
  });
});
