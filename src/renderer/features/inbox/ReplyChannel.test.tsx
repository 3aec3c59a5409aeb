import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it } from 'vitest';
import { replyRoute } from '../../../shared/replyRoute';
import type { Language } from '../../../shared/settings';
import { createI18n } from '../../i18n';
import { ReplyChannel } from './ReplyChannel';

afterEach(cleanup);

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
  it('names where a reply goes out: web chat, email to the address, the API channel', () => {
    show(replyRoute('email', { emails: ['ana@example.com'] }));
    expect(screen.getByText('Your reply goes by email to ana@example.com.')).toBeTruthy();
    cleanup();
    show(replyRoute('chat', null));
    expect(screen.getByText(/by web chat/)).toBeTruthy();
    cleanup();
    show(replyRoute('api', null));
    expect(screen.getByText(/API channel/)).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says why a reply cannot go out and offers a note instead, in Chinese too', () => {
    const notes = show(replyRoute('voice', null));
    expect(screen.getByRole('alert').textContent).toMatch(/call/);
    fireEvent.click(screen.getByRole('button', { name: 'Write a note instead' }));
    expect(notes).toEqual([1]);
    cleanup();
    show(replyRoute('email', { emails: [] }));
    expect(screen.getByRole('alert').textContent).toMatch(/no email address.*Add an address/);
    cleanup();
    show(replyRoute('sms', null), 'zh-CN');
    expect(screen.getByRole('alert').textContent).toMatch(/未连接/);
    expect(screen.getByRole('button', { name: '改写备注' })).toBeTruthy();
  });
});
