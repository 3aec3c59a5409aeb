import type { Change, MessageData } from '../../../shared/sync/entities';
import { writeConversation, type WebchatContext } from './context';
import { bind, send, tellRead, toWidget, type Visitor } from './visitor';

// What a visitor sees of their conversation: the backlog when a socket opens, then every change
// that concerns it (agents' replies, assignment, read receipts, the CSAT prompt), and the read
// times both sides stamp.

/** Stamps a read time on the conversation (no field history: it moves on every read). */
export async function stampRead(
  ctx: WebchatContext,
  convId: string,
  field: 'agentReadAt' | 'visitorReadAt',
): Promise<void> {
  const { d } = ctx;
  const at = new Date(d.now()).toISOString();
  await writeConversation(d, convId, { [field]: at }, at);
}

/** Everything after the visitor's last message id in the session's conversation (all when unknown). */
export async function backlog(ctx: WebchatContext, v: Visitor, since: string | undefined): Promise<void> {
  const conv = v.conversationId ? { id: v.conversationId } : null;
  if (!conv) return;
  const rows = await ctx.q.messagesOf(conv.id);
  const from = since ? rows.findIndex((r) => r.id === since) + 1 : 0;
  for (const r of rows.slice(from))
    send(v, { t: 'message', message: toWidget(r.id, r.data as Partial<MessageData>) });
  const c = (await ctx.d.store.get('conversation', conv.id))?.data;
  tellRead(v, c?.['agentReadAt']);
  if (c?.['status'] === 'resolved' && typeof c['csatScore'] !== 'number')
    send(v, { t: 'csat', conversationId: conv.id });
}

/** Sees every published change: agents' replies, assignment and resolution reach the visitor. */
export async function visitorsHear(ctx: WebchatContext, changes: readonly Change[]): Promise<void> {
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
          if (typeof conv === 'string' && (await ctx.q.ownConversation(v.customerId, conv))) bind(v, conv);
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
export async function agentTyping(
  ctx: WebchatContext,
  agentId: string,
  conversationId: string,
  on: boolean,
): Promise<void> {
  const conv = (await ctx.d.store.get('conversation', conversationId))?.data;
  if (!conv || conv['assigneeId'] !== agentId) return;
  for (const v of ctx.visitors) if (v.conversationId === conversationId) send(v, { t: 'typing', on });
}

/**
 * The assigned agent read the conversation: stamped once per newer customer message, and the
 * visitor sees a read receipt. Other agents' reads are not the customer's business.
 */
export async function agentRead(ctx: WebchatContext, agentId: string, conversationId: string): Promise<void> {
  const conv = (await ctx.d.store.get('conversation', conversationId))?.data;
  if (!conv || conv['assigneeId'] !== agentId) return;
  const last = await ctx.q.newest(conversationId, 'in');
  const readAt = conv['agentReadAt'];
  if (last && !(typeof readAt === 'string' && readAt >= last))
    await stampRead(ctx, conversationId, 'agentReadAt');
}
