/**
 * The conversation as the visitor sees it: messages (each once, however often the relay sends
 * it), the read receipt, the agent typing, the queue and status line, the rating prompt, and the
 * relay's refusals in words. Applies each frame from the relay to the panel.
 */
import type { Attachments } from './attachments';
import type { WidgetContext } from './context';
import { el, isOpen } from './dom';
import type { ChatMessage, ClientFrame, ServerFrame, WidgetConfig } from './frames';
import type { Translate } from './strings';

/** One `read` for a burst of replies (a backlog on reconnect), so reads never hit the rate limit. */
const READ_DEBOUNCE_MS = 300;

/** What the visitor reads when the relay refused a frame, by its `RELAY_ERR_*` code. */
export function explainError(tr: Translate, config: WidgetConfig, code: string | undefined): string {
  if (code === 'RELAY_ERR_RATE_LIMITED') return tr('slowDown');
  if (code === 'RELAY_ERR_TOO_LARGE') return tr('tooLong', config.maxMessageLength);
  return tr('notSent');
}

/** The status line for a queue position, or null to leave the line as it is. */
export function queueText(tr: Translate, position: number, wasQueued: boolean): string | null {
  if (position > 0) return tr('queue', position);
  return wasQueued ? '' : null;
}

/** One widget's conversation: what it has shown and where the relay's frames go. */
type View = {
  ctx: WidgetContext;
  files: Pick<Attachments, 'fileButton'>;
  send: (frame: ClientFrame) => boolean;
  /** Message ids shown, so a message the relay sends again (on resume) shows once. */
  seen: Set<string>;
  /** The newest message shown: a reconnect resumes after it. */
  lastId: string;
  /** When the visitor's newest message was written, and up to when the agent has read. */
  lastMine: string;
  readAt: string;
  queued: boolean;
  /** The conversation the relay asked the visitor to rate. */
  csatFor: string | null;
  readTimer: ReturnType<typeof setTimeout> | null;
};

export type Conversation = ReturnType<typeof createConversation>;

/** The conversation view of one widget; `send` reaches the relay when the socket is open. */
export function createConversation(
  ctx: WidgetContext,
  files: Pick<Attachments, 'fileButton'>,
  send: (frame: ClientFrame) => boolean,
) {
  const v: View = {
    ctx,
    files,
    send,
    seen: new Set(),
    lastId: '',
    lastMine: '',
    readAt: '',
    queued: false,
    csatFor: null,
    readTimer: null,
  };
  ctx.dom.rateButtons.forEach((b, i) =>
    b.addEventListener('click', () => {
      if (v.csatFor) send({ t: 'csat', conversationId: v.csatFor, score: i + 1 });
    }),
  );
  return {
    /** Applies a frame from the relay to the panel. */
    onFrame: (f: ServerFrame) => applyFrame(v, f),
    /** Tells the relay the visitor has read the conversation, if they can see it. */
    markRead: () => markRead(v),
    lastId: () => v.lastId,
  };
}

function markRead(v: View): void {
  if (v.readTimer || !isOpen(v.ctx.dom)) return;
  v.readTimer = setTimeout(() => {
    v.readTimer = null;
    if (isOpen(v.ctx.dom)) v.send({ t: 'read' });
  }, READ_DEBOUNCE_MS);
}

/** "Seen" under the visitor's newest message once the agent has read up to it. */
function showReceipt(v: View): void {
  const { lastMine, readAt } = v;
  v.ctx.dom.receipt.textContent = lastMine && readAt && readAt >= lastMine ? v.ctx.tr('seen') : '';
}

function addMessage(v: View, m: ChatMessage): void {
  if (v.seen.has(m.id)) return;
  v.seen.add(m.id);
  const { log } = v.ctx.dom;
  const li = el('li', null, m.body);
  li.className = m.direction;
  for (const a of m.attachments ?? []) {
    if (li.childNodes.length > 0) li.appendChild(el('br'));
    li.appendChild(v.files.fileButton(a));
  }
  log.appendChild(li);
  log.scrollTop = log.scrollHeight;
  v.lastId = m.id;
  if (m.direction === 'in') {
    v.lastMine = m.createdAt;
    showReceipt(v);
  } else markRead(v);
}

function applyFrame(v: View, f: ServerFrame): void {
  const { dom, tr } = v.ctx;
  switch (f.t) {
    case 'message':
      addMessage(v, f.message);
      if (f.message.direction === 'out') dom.typing.textContent = '';
      return;
    case 'queue': {
      const line = queueText(tr, f.position, v.queued);
      if (line !== null) dom.status.textContent = line;
      v.queued = f.position > 0;
      return;
    }
    case 'assigned':
      v.queued = false;
      dom.status.textContent = tr('assigned');
      return;
    case 'typing':
      dom.typing.textContent = f.on ? tr('typing') : '';
      return;
    case 'read':
      v.readAt = f.at;
      showReceipt(v);
      return;
    case 'csat':
      v.csatFor = f.conversationId;
      dom.status.textContent = tr('resolved');
      dom.csat.removeAttribute('hidden');
      return;
    case 'csatSaved':
      dom.csat.setAttribute('hidden', '');
      dom.status.textContent = tr('thanks');
      return;
    case 'error':
      dom.alertBox.textContent = explainError(tr, v.ctx.config, f.code);
      return;
    default:
      // A frame this widget does not know (a newer relay): nothing to show.
      return;
  }
}
