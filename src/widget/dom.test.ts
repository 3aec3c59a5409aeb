import { within } from '@testing-library/dom';
import { afterEach, describe, expect, it } from 'vitest';
import { testContext } from './testContext';

afterEach(() => document.body.replaceChildren());

describe('widget/dom', () => {
  it('builds a launcher and a dialog in a Shadow DOM, every control named', () => {
    const { dom } = testContext();
    expect(dom.host.shadowRoot).toBe(dom.root);
    // The rating shows only when the relay asks for it; shown here to read its names. (Shown before
    // any query: jsdom keeps computed styles inside a shadow root after the attribute changes.)
    expect(dom.csat.hasAttribute('hidden')).toBe(true);
    dom.csat.removeAttribute('hidden');
    const ui = within(dom.root as unknown as HTMLElement);
    expect(ui.getByRole('button', { name: 'Open chat' }).getAttribute('aria-expanded')).toBe('false');
    const dialog = within(ui.getByRole('dialog', { name: 'Chat with us' }));
    expect(dialog.getByRole('log', { name: 'Messages' })).toBeTruthy();
    expect(dialog.getByRole('status', { name: 'Chat status' })).toBeTruthy();
    expect(dialog.getByRole('textbox', { name: 'Message' })).toBeTruthy();
    expect(dialog.getByRole('button', { name: 'Send' })).toBeTruthy();
    expect(dialog.getByRole('button', { name: 'Attach files' })).toBeTruthy();
    expect(dialog.getByRole('list', { name: 'Files to send' })).toBeTruthy();
    const csat = within(dialog.getByRole('group', { name: 'How did we do?' }));
    expect(csat.getAllByRole('button').map((b) => b.getAttribute('aria-label'))).toEqual([
      'Rate 1 out of 5',
      'Rate 2 out of 5',
      'Rate 3 out of 5',
      'Rate 4 out of 5',
      'Rate 5 out of 5',
    ]);
  });

  it('labels the forms in the visitor’s language', () => {
    const { dom } = testContext('zh-TW');
    dom.form.removeAttribute('hidden');
    dom.offline.removeAttribute('hidden');
    const ui = within(dom.root as unknown as HTMLElement);
    expect(ui.getByRole('dialog', { name: '聯絡我們' })).toBeTruthy();
    const start = within(ui.getByRole('form', { name: '開始聊天' }));
    expect(start.getByLabelText('您的姓名')).toBeTruthy();
    expect(start.getByLabelText('電子郵件（選填）').getAttribute('type')).toBe('email');
    expect(start.getByLabelText('電話（選填）').getAttribute('type')).toBe('tel');
    const offline = within(ui.getByRole('form', { name: '留言' }));
    expect(offline.getByLabelText('電子郵件地址')).toBeTruthy();
    expect(offline.getByRole('button', { name: '送出留言' })).toBeTruthy();
  });
});
