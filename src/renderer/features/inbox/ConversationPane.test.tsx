import { act, cleanup, render, screen, within } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it } from 'vitest';
import { replyRoute } from '../../../shared/replyRoute';
import type { ConversationDetail, CustomerDetail } from '../../../shared/views';
import type { ApiClient } from '../../api/client';
import { AppProvider } from '../../app/context';
import { createI18n } from '../../i18n';
import { createRootStore } from '../../store';
import { ConversationPane, THREAD_PAGE } from './ConversationPane';

afterEach(cleanup);

const CONVERSATION_ID = '0190f5b4-7f1c-7c5e-9a59-4b9f3f0c2a11';
const CUSTOMER_ID = '0190f5b4-7f1c-7c5e-9a59-4b9f3f0c2a22';
const AGENT_ID = '0190f5b4-7f1c-7c5e-9a59-4b9f3f0c2a33';
const TEAM_ID = '0190f5b4-7f1c-7c5e-9a59-4b9f3f0c2a44';

function detail(messages: number): ConversationDetail {
  return {
    conversation: {
      id: CONVERSATION_ID,
      customerId: CUSTOMER_ID,
      customerName: 'Wen Li',
      channel: 'chat',
      subject: 'Where is my parcel?',
      status: 'open',
      snoozedUntil: null,
      assigneeId: AGENT_ID,
      teamId: TEAM_ID,
      inboxId: null,
      labels: ['vip'],
      slaDueAt: null,
      lastMessageAt: '2026-12-02T03:00:00.000Z',
      createdAt: '2026-12-02T02:00:00.000Z',
      unread: 0,
    },
    timeline: Array.from({ length: messages }, (_, i) => ({
      kind: 'message' as const,
      id: `m${i}`,
      conversationId: CONVERSATION_ID,
      direction: 'in' as const,
      body: `Message ${i + 1}`,
      createdAt: '2026-12-02T03:00:00.000Z',
    })) as unknown as ConversationDetail['timeline'],
    earlier: 0,
    customerHistory: [
      {
        kind: 'call',
        id: 'call1',
        conversationId: '',
        channel: 'voice',
        at: '2026-12-01T03:00:00.000Z',
        direction: 'in',
        text: '',
      },
    ] as unknown as ConversationDetail['customerHistory'],
    queued: [],
    replyRoute: replyRoute('chat', null, { status: 'open', inboxWebhook: false }),
  };
}

const customer = {
  customer: {
    id: CUSTOMER_ID,
    name: 'Wen Li',
    company: 'Parcels Ltd',
    address: '',
    language: 'zh-CN',
    phones: ['+15550100'],
    emails: ['wen@example.com'],
  },
  conversations: [],
  history: [],
  calls: [],
  mergedInto: null,
  mergedFrom: [],
} as unknown as CustomerDetail;

/** The newest `limit` entries of a thread, as main answers `conversations:get` with a limit. */
function page(d: ConversationDetail, limit: number | undefined): ConversationDetail {
  if (limit === undefined) return d;
  return { ...d, timeline: d.timeline.slice(-limit), earlier: Math.max(0, d.timeline.length - limit) };
}

/** Main as the pane sees it: each query answers from the fixtures above. */
function fakeMain(d: ConversationDetail | Error) {
  const answers: Record<string, unknown> = {
    'conversations:get': d,
    'customers:get': customer,
    'inbox:directory': {
      agents: [{ id: AGENT_ID, name: 'Alex Agent', teamIds: [TEAM_ID] }],
      teams: [{ id: TEAM_ID, name: 'Support' }],
    },
    'conversations:labels': ['vip'],
    'recordings:policy': { canPlay: false },
    'conversations:markRead': { unread: 0, cleared: false },
  };
  return {
    kind: 'browser',
    call: (channel: string, args?: { limit?: number }) =>
      channel !== 'conversations:get'
        ? Promise.resolve(answers[channel] ?? null)
        : d instanceof Error
          ? Promise.reject(d)
          : Promise.resolve(page(d, args?.limit)),
    on: () => () => {},
    onStatus: () => () => {},
  } as unknown as ApiClient;
}

async function show(d: ConversationDetail | Error) {
  render(
    <AppProvider api={fakeMain(d)} store={createRootStore()}>
      <I18nextProvider i18n={createI18n('en')}>
        <ConversationPane id={CONVERSATION_ID} />
      </I18nextProvider>
    </AppProvider>,
  );
  await act(async () => {});
  return screen.queryByRole('article', { name: 'Conversation with Wen Li' });
}

describe('renderer/inbox/ConversationPane', () => {
  it('lays out a compact header, the thread, the composer after it, and the context sidebar', async () => {
    const article = (await show(detail(50)))!;
    // One h2 in the article (the conversation's): the sidebar's headings are h3.
    expect(
      within(article)
        .getAllByRole('heading', { level: 2 })
        .map((h) => h.textContent),
    ).toEqual(['Wen Li']);
    const header = article.querySelector('header')!;
    expect(within(header).getByLabelText('Status')).toBeTruthy();
    expect(within(header).getByLabelText('Transfer to')).toBeTruthy();

    const thread = within(article).getByRole('list', { name: 'Messages and notes' });
    expect(within(thread).getAllByRole('listitem')).toHaveLength(50);
    const reply = within(article).getByLabelText('Reply to the customer');
    // The composer follows the thread (pinned under it), and nothing of the customer's history
    // sits between them any more: the history is in the sidebar.
    expect(thread.compareDocumentPosition(reply) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    const form = reply.closest('form')!;
    expect(within(form).getByRole('button', { name: 'Send' })).toBeTruthy();
    expect(within(form).getByLabelText('Internal note')).toBeTruthy();
    expect(within(form).getByText(/by web chat/)).toBeTruthy();
    expect(within(form).getByRole('button', { name: 'Attach a file' })).toBeTruthy();

    const sidebar = within(article).getByRole('complementary', { name: 'Conversation details' });
    expect(within(sidebar).queryByRole('list', { name: 'Messages and notes' })).toBeNull();
    for (const name of ['Customer', 'Labels', 'Assignment', 'SLA'])
      expect(within(sidebar).getByRole('heading', { level: 3, name })).toBeTruthy();
    // The customer's profile, editable in place.
    expect((within(sidebar).getByLabelText('Company') as HTMLInputElement).value).toBe('Parcels Ltd');
    expect(within(sidebar).getByText('wen@example.com', { exact: false })).toBeTruthy();
    expect(within(sidebar).getByLabelText('Add a label')).toBeTruthy();
    expect(within(sidebar).getByText('Alex Agent')).toBeTruthy();
    expect(within(sidebar).getByText('Support')).toBeTruthy();
    expect(within(sidebar).getByText('No SLA applies to this conversation.')).toBeTruthy();
    expect(within(sidebar).getByRole('list', { name: "Customer's history on other channels" })).toBeTruthy();
  });

  it('opens a long thread at its newest messages; older ones come a page at a time', async () => {
    const article = (await show(detail(250)))!;
    const thread = within(article).getByRole('list', { name: 'Messages and notes' });
    const bodies = () => [...thread.querySelectorAll('p.body')].map((p) => p.textContent);
    expect(bodies()).toHaveLength(THREAD_PAGE);
    expect(bodies().at(-1)).toBe('Message 250');
    expect(bodies()[0]).toBe(`Message ${250 - THREAD_PAGE + 1}`);
    // The pane asks main for the larger page; the one shown stays until it comes.
    act(() => within(thread).getByRole('button', { name: 'Show earlier messages (150 not shown)' }).click());
    expect(bodies()).toHaveLength(THREAD_PAGE);
    await act(async () => {});
    expect(bodies()).toHaveLength(2 * THREAD_PAGE);
    await act(async () =>
      within(thread).getByRole('button', { name: 'Show earlier messages (50 not shown)' }).click(),
    );
    expect(bodies()).toHaveLength(250);
    expect(bodies()[0]).toBe('Message 1');
    expect(within(thread).queryByRole('button', { name: /Show earlier/ })).toBeNull();
  });

  it('says what went wrong opening a conversation, and what to do next', async () => {
    expect(await show(new Error('The relay is unreachable.'))).toBeNull();
    expect(screen.getByRole('alert').textContent).toBe('The relay is unreachable.');
    expect(screen.getByText(/Choose it again in the list/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Retry' })).toBeTruthy();
  });

  it('shows labelled skeletons while the conversation and the profile load', async () => {
    const pending = { ...fakeMain(detail(1)), call: () => new Promise(() => {}) } as unknown as ApiClient;
    render(
      <AppProvider api={pending} store={createRootStore()}>
        <I18nextProvider i18n={createI18n('en')}>
          <ConversationPane id={CONVERSATION_ID} />
        </I18nextProvider>
      </AppProvider>,
    );
    await act(async () => {});
    expect(screen.getByRole('status', { name: 'Opening the conversation…' })).toBeTruthy();
  });

  it('says an empty thread waits for its first message, and a profile that failed offers Retry', async () => {
    const main = fakeMain(detail(0));
    const api = {
      ...main,
      call: (channel: string, args: unknown) =>
        channel === 'customers:get'
          ? Promise.reject(new Error('The customer is not in the cache.'))
          : main.call(channel as never, args as never),
    } as unknown as ApiClient;
    render(
      <AppProvider api={api} store={createRootStore()}>
        <I18nextProvider i18n={createI18n('en')}>
          <ConversationPane id={CONVERSATION_ID} />
        </I18nextProvider>
      </AppProvider>,
    );
    await act(async () => {});
    const article = screen.getByRole('article', { name: 'Conversation with Wen Li' });
    const thread = within(article).getByRole('list', { name: 'Messages and notes' });
    expect(within(thread).getByText('No messages yet. Write the first one below.')).toBeTruthy();
    const sidebar = within(article).getByRole('complementary', { name: 'Conversation details' });
    expect(within(sidebar).getByRole('alert').textContent).toBe('The customer is not in the cache.');
    expect(within(sidebar).getByText(/the conversation itself still works/)).toBeTruthy();
    expect(within(sidebar).getByRole('button', { name: 'Retry' })).toBeTruthy();
  });
});
