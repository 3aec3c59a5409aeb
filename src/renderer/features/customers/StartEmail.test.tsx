import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../api/client';
import { AppProvider } from '../../app/context';
import { createI18n } from '../../i18n';
import { createRootStore } from '../../store';
import { StartEmail } from './StartEmail';
import { WriteEmail } from './WriteEmail';

afterEach(cleanup);

describe('renderer/customers/StartEmail', () => {
  it("starts an email conversation to the customer's address with a subject and a message", async () => {
    const calls: [string, unknown][] = [];
    const api = {
      kind: 'browser',
      call: (channel: string, args: unknown) => {
        calls.push([channel, args]);
        return Promise.resolve({ conversationId: 'c', messageId: 'm' });
      },
      on: () => () => {},
      onStatus: () => () => {},
    } as unknown as ApiClient;
    render(
      <AppProvider api={api} store={createRootStore()}>
        <I18nextProvider i18n={createI18n('en')}>
          <StartEmail customerId="0190f5b4-7f1c-7c5e-9a59-4b9f3f0c2a11" addresses={['ana@example.com']} />
        </I18nextProvider>
      </AppProvider>,
    );
    const form = screen.getByRole('form', { name: 'Write an email' });
    expect(form.textContent).toContain('ana@example.com');
    const send = screen.getByRole('button', { name: 'Send email' });
    expect((send as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('Subject'), { target: { value: 'Your refund' } });
    fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'It was sent today.' } });
    fireEvent.click(send);
    await waitFor(() => expect(screen.getByRole('status').textContent).toMatch(/Email queued/));
    expect(calls).toEqual([
      [
        'conversations:startEmail',
        {
          customerId: '0190f5b4-7f1c-7c5e-9a59-4b9f3f0c2a11',
          to: 'ana@example.com',
          subject: 'Your refund',
          body: 'It was sent today.',
        },
      ],
    ]);
  });

  it('lets the agent pick which of several addresses the mail goes to, and shows a refusal in its words', async () => {
    const calls: [string, unknown][] = [];
    const started: string[] = [];
    let refuse = true;
    const api = {
      kind: 'browser',
      call: (channel: string, args: unknown) => {
        calls.push([channel, args]);
        if (refuse) return Promise.reject(new Error('The relay is busy; try again.'));
        return Promise.resolve({ conversationId: 'c2', messageId: 'm' });
      },
      on: () => () => {},
      onStatus: () => () => {},
    } as unknown as ApiClient;
    render(
      <AppProvider api={api} store={createRootStore()}>
        <I18nextProvider i18n={createI18n('zh-CN')}>
          <StartEmail
            customerId="0190f5b4-7f1c-7c5e-9a59-4b9f3f0c2a11"
            addresses={['ana@example.com', 'ana@work.example']}
            onStarted={(id) => started.push(id)}
          />
        </I18nextProvider>
      </AppProvider>,
    );
    const to = screen.getByRole('combobox', { name: '收件人' }) as HTMLSelectElement;
    expect(to.value).toBe('ana@example.com');
    fireEvent.change(to, { target: { value: 'ana@work.example' } });
    fireEvent.change(screen.getByLabelText('主题'), { target: { value: '发票' } });
    fireEvent.change(screen.getByLabelText('内容'), { target: { value: '已附上。' } });
    fireEvent.click(screen.getByRole('button', { name: '发送邮件' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/try again/));
    expect((screen.getByLabelText('主题') as HTMLInputElement).value).toBe('发票');
    refuse = false;
    fireEvent.click(screen.getByRole('button', { name: '发送邮件' }));
    await waitFor(() => expect(started).toEqual(['c2']));
    expect(calls.map(([, a]) => (a as { to: string }).to)).toEqual(['ana@work.example', 'ana@work.example']);
  });

  it('on the profile, opens in a dialog of that title and closes once the mail is queued', async () => {
    const api = {
      kind: 'browser',
      call: () => Promise.resolve({ conversationId: 'c3', messageId: 'm' }),
      on: () => () => {},
      onStatus: () => () => {},
    } as unknown as ApiClient;
    render(
      <AppProvider api={api} store={createRootStore()}>
        <I18nextProvider i18n={createI18n('en')}>
          <WriteEmail customerId="0190f5b4-7f1c-7c5e-9a59-4b9f3f0c2a11" addresses={['ana@example.com']} />
        </I18nextProvider>
      </AppProvider>,
    );
    expect(screen.queryByRole('form')).toBeNull();
    const open = screen.getByRole('button', { name: 'Write an email' });
    expect(open.getAttribute('aria-haspopup')).toBe('dialog');
    fireEvent.click(open);
    const dialog = screen.getByRole('dialog', { name: 'Write an email' });
    // The dialog's title is the form's one heading.
    expect(
      within(dialog)
        .getAllByRole('heading')
        .map((h) => h.textContent),
    ).toEqual(['Write an email']);
    expect(within(dialog).getByRole('button', { name: 'Close without sending' })).toBeTruthy();
    fireEvent.change(within(dialog).getByLabelText('Subject'), { target: { value: 'Your refund' } });
    fireEvent.change(within(dialog).getByLabelText('Message'), { target: { value: 'It was sent today.' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Send email' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.getByRole('status').textContent).toMatch(/Email queued/);
  });
});
