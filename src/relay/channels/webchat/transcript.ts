import type { Change, MessageData } from '../../../shared/sync/entities';
import { writeConversation, type WebchatContext } from './context';
import { bind, send, tellRead, toWidget, type Visitor } from './visitor';

// What a visitor sees of their conversation: the backlog when a socket opens, then every change
// that concerns it (agents' replies, assignment, read receipts, the CSAT prompt), and the read
// times both sides stamp.

/** Stamps a read time on the conversation (no field history: it moves on every read). */
export function stampRead(ctx: WebchatContext, convId: string, field: 'agentReadAt' | 'visitorReadAt'): void {
  const { d } = ctx;
  const at = new Date(d.now()).toISOString();
  writeConversation(d, convId, { [field]: at }, at);
}

/** Everything after the visitor's last message id in the session's conversation (all when unknown). */
export function backlog(ctx: WebchatContext, v: Visitor, since: string | undefined): void {
  const conv = v.conversationId ? { id: v.conversationId } : null;
  if (!conv) return;
  const rows = ctx.q.messagesOf(conv.id);
  const from = since ? rows.findIndex((r) => r.id === since) + 1 : 0;
  for (const r of rows.slice(from)) send(v, { t: 'message', message: toWidget(r.id, JSON.parse(r.data)) });
  const c = ctx.d.store.get('conversation', conv.id)?.data;
  tellRead(v, c?.['agentReadAt']);
  if (c?.['status'] === 'resolved' && typeof c['csatScore'] !== 'number')
    send(v, { t: 'csat', conversationId: conv.id });
}

/** Sees every published change: agents' replies, assignment and resolution reach the visitor. */
export function visitorsHear(ctx: WebchatContext, changes: readonly Change[]): void {
  const { visitors } = ctx;
  if (visitors.size === 0) return;
  for (const c of changes) {
    if (!c.data) continue;
    if (c.entity === 'message' && c.data['direction'] === 'out') {
      for (const v of visitors)
        if (v.conversationId !== null && v.conversationId === c.data['conversationId'])
          send(v, { t: 'message', message: toWidget(c.id, c.data as Partial<MessageData>) });
    } else if (c.entity === 'message' && c.data['direction'] === 'in') {
      // The same session in another tab (or a signed identity on another device) started a
      // conversation: this socket follows it, as it is the visitor's own.
      for (const v of visitors)
        if (v.customerId === c.data['customerId'] && v.conversationId !== c.data['conversationId']) {
          const conv = c.data['conversationId'];
          if (typeof conv === 'string' && ctx.q.ownConversation(v.customerId, conv)) bind(v, conv);
        }
    } else if (c.entity === 'conversation') {
      for (const v of visitors) {
        if (v.conversationId !== c.id) continue;
        tellRead(v, c.data['agentReadAt']);
        if (c.data['status'] === 'resolved' && typeof c.data['csatScore'] !== 'number')
          send(v, { t: 'csat', conversationId: c.id });
        else if (c.data['assigneeId'] && c.data['status'] !== 'resolved' && v.announced !== c.id) {
          v.announced = c.id;
          send(v, { t: 'assigned' });
        }
      }
    }
  }
}

/** An agent's typing reaches the visitor only when the conversation is assigned to that agent. */
export function agentTyping(ctx: WebchatContext, agentId: string, conversationId: string, on: boolean): void {
  const conv = ctx.d.store.get('conversation', conversationId)?.data;
  if (!conv || conv['assigneeId'] !== agentId) return;
  for (const v of ctx.visitors) if (v.conversationId === conversationId) send(v, { t: 'typing', on });
}

/**
 * The assigned agent read the conversation: stamped once per newer customer message, and the
 * visitor sees a read receipt. Other agents' reads are not the customer's business.
 */
export function agentRead(ctx: WebchatContext, agentId: string, conversationId: string): void {
  const conv = ctx.d.store.get('conversation', conversationId)?.data;
  if (!conv || conv['assigneeId'] !== agentId) return;
  const last = ctx.q.newest(conversationId, 'in');
  const readAt = conv['agentReadAt'];
  if (last && !(typeof readAt === 'string' && readAt >= last)) stampRead(ctx, conversationId, 'agentReadAt');
}
