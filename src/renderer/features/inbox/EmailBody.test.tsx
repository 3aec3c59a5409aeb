import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageEmail } from '../../../shared/sync/entities';
import type { ApiClient } from '../../api/client';
import { AppProvider } from '../../app/context';
import { createI18n } from '../../i18n';
import { createRootStore } from '../../store';
import { EmailBody, mailDocument, splitQuoted } from './EmailBody';

afterEach(cleanup);

// A fake of main (the renderer's only boundary here): answers the remote-images call when told.
// What the relay does for that call is tested against real mail servers in tests/integration/email.
const PNG = 'data:image/png;base64,iVBORw0KGgo=';
function fakeMain() {
  const calls: [string, unknown][] = [];
  let answer: () => void = () => {};
  const api = {
    kind: 'browser',
    call: (channel: string, args: unknown) => {
      calls.push([channel, args]);
      return new Promise(
        (r) =>
          (answer = () =>
            r({
              images: { 'https://shop.example/a.png?x=1&y=2': PNG },
              failed: [{ url: 'https://t.example/p', error: 'the image server answered 404' }],
            })),
      );
    },
    on: () => () => {},
    onStatus: () => () => {},
  } as unknown as ApiClient;
  return { api, calls, answer: () => answer() };
}

const mail = (over: Partial<MessageEmail> = {}): MessageEmail => ({
  messageId: '<a@shop.example>',
  subject: 'Order',
  from: 'ann@customer.test',
  to: ['shop@shop.test'],
  cc: [],
  ...over,
});

function show(api: ApiClient, email: MessageEmail, text = '') {
  render(
    <AppProvider api={api} store={createRootStore()}>
      <I18nextProvider i18n={createI18n('en')}>
        <EmailBody email={email} text={text} messageId="0190f5b4-7f1c-7c5e-9a59-4b9f3f0c2a11" />
      </I18nextProvider>
    </AppProvider>,
  );
}

const frameDoc = () => (screen.getByTitle('Email: Order') as HTMLIFrameElement).getAttribute('srcdoc') ?? '';

describe('renderer/inbox/EmailBody', () => {
  it('splits a plain mail into what was written now and the quoted history', () => {
    expect(splitQuoted('Yes please.\n\nOn Mon, Ann wrote:\n> Shall I send it?\n>\n> Ann')).toEqual({
      fresh: 'Yes please.',
      quoted: 'On Mon, Ann wrote:\n> Shall I send it?\n>\n> Ann',
    });
    expect(splitQuoted('好的。\n\n在 2026年12月1日，安 写道：\n> 需要吗？')).toEqual({
      fresh: '好的。',
      quoted: '在 2026年12月1日，安 写道：\n> 需要吗？',
    });
    expect(splitQuoted('Thanks\n> quoted\nmore of mine')).toEqual({
      fresh: 'Thanks\n> quoted\nmore of mine',
      quoted: null,
    });
    expect(splitQuoted('> only a quote')).toEqual({ fresh: '> only a quote', quoted: null });
  });

  it('puts allowed images in as data: URLs only, and never lets a frame load from the network', () => {
    const html =
      '<p>Hi</p><img data-remote-src="https://a.example/x.png?a=1&amp;b=2"><img data-remote-src="https://b.example/y.png">';
    const doc = mailDocument(html, {
      'https://a.example/x.png?a=1&b=2': PNG,
      'https://b.example/y.png': 'https://evil.example/',
    });
    expect(doc).toContain(`<img src="${PNG}">`);
    expect(doc).toContain('data-remote-src="https://b.example/y.png"');
    expect(doc).toContain('img-src data:;');
    expect(doc).not.toMatch(/img-src[^;]*https?:/);
  });

  it('folds quoted history away until asked, in HTML and plain text', () => {
    const { api } = fakeMain();
    show(api, mail({ html: '<p>Yes.</p><blockquote>Shall I?</blockquote>' }));
    expect(frameDoc()).toContain('blockquote{display:none}');
    fireEvent.click(screen.getByRole('button', { name: 'Show quoted text' }));
    expect(frameDoc()).not.toContain('blockquote{display:none}');
    expect(screen.getByRole('button', { name: 'Hide quoted text' }).getAttribute('aria-expanded')).toBe(
      'true',
    );
    cleanup();
    show(api, mail(), 'Yes.\n\nOn Mon, Ann wrote:\n> Shall I?');
    expect(screen.getByText('Yes.')).toBeTruthy();
    expect(screen.queryByText(/Shall I/)).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Show quoted text' }));
    expect(screen.getByText(/Shall I/)).toBeTruthy();
  });

  it('loads remote images for this message only when the agent allows them, and says what failed', async () => {
    const { api, calls, answer } = fakeMain();
    show(
      api,
      mail({
        html: '<img data-remote-src="https://shop.example/a.png?x=1&amp;y=2"><img data-remote-src="https://t.example/p">',
        remoteImages: 2,
      }),
    );
    expect(screen.getByText(/2 remote images blocked/)).toBeTruthy();
    expect(frameDoc()).not.toContain(PNG);
    expect(calls).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Show images in this email' }));
    expect(screen.getByRole('button', { name: 'Loading images…' })).toHaveProperty('disabled', true);
    await act(async () => answer());
    expect(calls).toEqual([['messages:remoteImages', { messageId: '0190f5b4-7f1c-7c5e-9a59-4b9f3f0c2a11' }]]);
    expect(frameDoc()).toContain(`src="${PNG}"`);
    expect(screen.getByText('1 image could not be loaded.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Show images in this email' })).toBeNull();
  });
});
