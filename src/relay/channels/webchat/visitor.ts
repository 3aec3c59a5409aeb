import type { WebSocket } from 'ws';
import type { MessageData } from '../../../shared/sync/entities';
import type { TokenBucket } from '../../core/rateLimit';

// A visitor's socket as the relay keeps it, and what it is told.

/** What the relay sends a visitor's widget. */
export type VisitorFrame =
  | { t: 'message'; message: WidgetMessage; clientId?: string }
  | { t: 'queue'; position: number }
  | { t: 'assigned' }
  | { t: 'typing'; on: boolean }
  | { t: 'csat'; conversationId: string }
  | { t: 'csatSaved'; conversationId: string }
  /** The agent has read the visitor's messages up to `at`. */
  | { t: 'read'; at: string }
  | { t: 'error'; code: string; message: string };

export type WidgetMessage = {
  id: string;
  direction: 'in' | 'out';
  body: string;
  createdAt: string;
  attachments: { id: string; name: string; size: number; type: string }[];
};

/** One open widget socket. */
export type Visitor = {
  ws: WebSocket;
  inboxId: string;
  /** The page's origin at connect time, rechecked when an admin changes the inbox's allow-list. */
  origin: string | undefined;
  customerId: string;
  /**
   * The one conversation this session carries (null before its first message): what the visitor
   * hears is only ever this conversation, never "everything of the customer", because an agent may
   * merge someone else's profile into the visitor's.
   */
  conversationId: string | null;
  bucket: TokenBucket;
  /** Visitor message ids by the widget's clientId: a resend after a reconnect is not a second message. */
  sent: Map<string, string>;
  lastQueue: number | null;
  /** Conversation whose agent the visitor was last told about. */
  announced: string | null;
  /** The agent's read time the visitor was last told. */
  readAt: string | null;
};

/** Sends `f` to the visitor's widget if the socket is still open. */
export function send(v: Visitor, f: VisitorFrame): void {
  if (v.ws.readyState === v.ws.OPEN) v.ws.send(JSON.stringify(f));
}

/** A message record as the widget shows it. */
export function toWidget(id: string, m: Partial<MessageData>): WidgetMessage {
  return {
    id,
    direction: m.direction === 'out' ? 'out' : 'in',
    body: typeof m.body === 'string' ? m.body : '',
    createdAt: typeof m.createdAt === 'string' ? m.createdAt : '',
    attachments: Array.isArray(m.attachments)
      ? m.attachments.map((a) => ({ id: a.id, name: a.name, size: a.size, type: a.type }))
      : [],
  };
}

/** Points the session at a conversation it wrote in (its first, or a new one after a resolved chat). */
export function bind(v: Visitor, conversationId: string): void {
  if (v.conversationId === conversationId) return;
  v.conversationId = conversationId;
  v.announced = null;
  v.readAt = null;
}

/** Tells the visitor the agent's read time when it is new to them. */
export function tellRead(v: Visitor, at: unknown): void {
  if (typeof at !== 'string' || at === v.readAt) return;
  v.readAt = at;
  send(v, { t: 'read', at });
}

/** Each visitor hears their queue position when it changed (0 when their chat is not waiting). */
export function tickQueue(
  visitors: Iterable<Visitor>,
  queuePosition: (conversationId: string) => number | null,
): void {
  for (const v of visitors) {
    const pos = v.conversationId ? queuePosition(v.conversationId) : null;
    const position = pos ?? 0;
    if (position !== v.lastQueue) {
      v.lastQueue = position;
      send(v, { t: 'queue', position });
    }
  }
}
