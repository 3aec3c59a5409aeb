import { cleanup, render, screen } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../api/client';
import { AppProvider } from '../../app/context';
import { createI18n } from '../../i18n';
import { createRootStore } from '../../store';
import type { ScreenPop } from '../../../shared/views';
import { ScreenPopView } from './ScreenPopView';

afterEach(cleanup);

const api = {
  kind: 'browser',
  call: () => Promise.resolve(null),
  on: () => () => {},
  onStatus: () => () => {},
};

describe('renderer/phone/ScreenPopView', () => {
  it("lists the caller's open conversations by channel, status and subject, leaving out a missing subject", () => {
    const conv = (id: string, channel: string, subject: string) => ({
      id,
      channel,
      status: 'open',
      subject,
      labels: [],
    });
    const pop = {
      customer: { name: '陈静', company: '星河科技', phones: ['+8613800000000'], emails: [] },
      openConversations: [conv('a', 'email', '订单物流查询'), conv('b', 'chat', '')],
      recent: [],
      calls: [],
      others: [],
    } as unknown as ScreenPop;
    render(
      <AppProvider api={api as unknown as ApiClient} store={createRootStore()}>
        <I18nextProvider i18n={createI18n('en')}>
          <ScreenPopView callId="c1" pop={{ number: '+8613800000000', looked: true, pop }} />
        </I18nextProvider>
      </AppProvider>,
    );
    const items = screen.getByRole('list', { name: 'Open conversations' }).querySelectorAll('li');
    expect([...items].map((li) => li.textContent)).toEqual([
      'Email · Open · 订单物流查询',
      'Web chat · Open',
    ]);
  });
});
