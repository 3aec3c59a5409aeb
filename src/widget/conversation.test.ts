import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAttachments } from './attachments';
import type { WidgetContext } from './context';
import { createConversation, explainError, queueText } from './conversation';
import { DEFAULT_CONFIG, type ChatMessage, type ClientFrame } from './frames';
import { createTranslator } from './strings';
import { testContext } from './testContext';

const HOSTILE = `Hi <script>window.__pwned=1</script><img src=x onerror="window.__pwned=1"> where is my order?`;
const HOSTILE_FILE = `<img src=x onerror="alert(1);window.__pwned=1">.png`;

let ctx: WidgetContext;
let sent: ClientFrame[];
let view: ReturnType<typeof createConversation>;

const msg = (
  id: string,
  direction: 'in' | 'out',
  body: string,
  extra: Partial<ChatMessage> = {},
): ChatMessage => ({
  id,
  direction,
  body,
  createdAt: `2026-01-01T00:00:0${id.slice(-1)}Z`,
  ...extra,
});
const bubbles = () => [...ctx.dom.log.querySelectorAll(':scope > li')];

beforeEach(() => {
  ctx = testContext();
  sent = [];
  view = createConversation(ctx, createAttachments(ctx), (f) => (sent.push(f), true));
});
afterEach(() => {
  vi.useRealTimers();
  document.body.replaceChildren();
});

describe('widget/conversation', () => {
  it('shows a hostile message and file name as the text they are, never as markup', () => {
    view.onFrame({
      t: 'message',
      message: msg('m1', 'in', HOSTILE, { attachments: [{ id: 'f1', name: HOSTILE_FILE, size: 67 }] }),
    });
    const [li] = bubbles();
    expect(li?.firstChild?.textContent).toBe(HOSTILE);
    const file = li?.querySelector('button');
    expect(file?.textContent).toBe(`📎 ${HOSTILE_FILE} · 67 B`);
    expect(file?.getAttribute('aria-label')).toBe(`Download ${HOSTILE_FILE} (67 B)`);
    expect(ctx.dom.root.querySelectorAll('img, script')).toHaveLength(0);
  });

  it('shows each message once, however often the relay sends it, and remembers where to resume', () => {
    view.onFrame({ t: 'message', message: msg('m1', 'in', 'hello'), clientId: 'c1' });
    view.onFrame({ t: 'message', message: msg('m1', 'in', 'hello'), clientId: 'c1' });
    view.onFrame({ t: 'message', message: msg('m2', 'out', 'Hi, how can I help?') });
    expect(bubbles().map((li) => [li.className, li.textContent])).toEqual([
      ['in', 'hello'],
      ['out', 'Hi, how can I help?'],
    ]);
    expect(view.lastId()).toBe('m2');
  });

  it('tells the queue position, then that an agent joined', () => {
    view.onFrame({ t: 'queue', position: 2 });
    expect(ctx.dom.status.textContent).toBe('You are number 2 in the queue.');
    view.onFrame({ t: 'queue', position: 0 });
    expect(ctx.dom.status.textContent).toBe('');
    view.onFrame({ t: 'assigned' });
    expect(ctx.dom.status.textContent).toBe('An agent has joined the conversation.');
    // Position 0 after an agent joined leaves the status as it is.
    view.onFrame({ t: 'queue', position: 0 });
    expect(ctx.dom.status.textContent).toBe('An agent has joined the conversation.');
  });

  it('shows the agent typing until the reply arrives, and "Seen" once the agent read the last message', () => {
    view.onFrame({ t: 'message', message: msg('m1', 'in', 'hello') });
    view.onFrame({ t: 'typing', on: true });
    expect(ctx.dom.typing.textContent).toBe('The agent is typing…');
    view.onFrame({ t: 'read', at: '2026-01-01T00:00:00Z' });
    expect(ctx.dom.receipt.textContent).toBe('');
    view.onFrame({ t: 'read', at: '2026-01-01T00:00:05Z' });
    expect(ctx.dom.receipt.textContent).toBe('Seen');
    view.onFrame({ t: 'message', message: msg('m2', 'out', 'Hi') });
    expect(ctx.dom.typing.textContent).toBe('');
  });

  it('asks for a rating when resolved and sends the score the visitor picks', () => {
    view.onFrame({ t: 'csat', conversationId: 'conv-1' });
    expect(ctx.dom.status.textContent).toBe('The conversation was resolved.');
    expect(ctx.dom.csat.hasAttribute('hidden')).toBe(false);
    ctx.dom.rateButtons[3]?.click();
    expect(sent).toEqual([{ t: 'csat', conversationId: 'conv-1', score: 4 }]);
    view.onFrame({ t: 'csatSaved', conversationId: 'conv-1' });
    expect(ctx.dom.csat.hasAttribute('hidden')).toBe(true);
    expect(ctx.dom.status.textContent).toBe('Thank you for your feedback!');
  });

  it('sends one read for a burst of replies while the chat is open', () => {
    vi.useFakeTimers();
    for (const id of ['m1', 'm2', 'm3']) view.onFrame({ t: 'message', message: msg(id, 'out', id) });
    vi.runAllTimers();
    expect(sent).toEqual([{ t: 'read' }]);
    ctx.dom.panel.setAttribute('hidden', '');
    view.onFrame({ t: 'message', message: msg('m4', 'out', 'later') });
    vi.runAllTimers();
    expect(sent).toEqual([{ t: 'read' }]);
  });

  it('explains a refused frame and says what to do next', () => {
    const en = createTranslator('en');
    expect(explainError(en, DEFAULT_CONFIG, 'RELAY_ERR_RATE_LIMITED')).toBe(
      'You are sending quickly. Wait a moment, then send again.',
    );
    expect(explainError(en, { ...DEFAULT_CONFIG, maxMessageLength: 500 }, 'RELAY_ERR_TOO_LARGE')).toBe(
      'That message is too long. Shorten it to 500 characters and send it again.',
    );
    for (const code of ['RELAY_ERR_FORBIDDEN', 'RELAY_ERR_VALIDATION', undefined])
      expect(explainError(en, DEFAULT_CONFIG, code)).toBe(
        'That could not be sent. Reload the page and try again.',
      );
    view.onFrame({ t: 'error', code: 'RELAY_ERR_RATE_LIMITED', message: 'Slow down a little, please.' });
    expect(ctx.dom.alertBox.textContent).toBe('You are sending quickly. Wait a moment, then send again.');
  });

  it('words the queue in each language', () => {
    expect(queueText(createTranslator('zh-CN'), 3, false)).toBe('您前面还有 3 位，请稍候。');
    expect(queueText(createTranslator('zh-TW'), 0, true)).toBe('');
    expect(queueText(createTranslator('en'), 0, false)).toBeNull();
  });
});
