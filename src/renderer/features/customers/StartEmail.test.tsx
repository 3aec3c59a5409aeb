import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../api/client';
import { AppProvider } from '../../app/context';
import { createI18n } from '../../i18n';
import { createRootStore } from '../../store';
import { StartEmail } from './StartEmail';

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
          <StartEmail customerId="0190f5b4-7f1c-7c5e-9a59-4b9f3f0c2a11" to="ana@example.com" />
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
          subject: 'Your refund',
          body: 'It was sent today.',
        },
      ],
    ]);
  });
});
