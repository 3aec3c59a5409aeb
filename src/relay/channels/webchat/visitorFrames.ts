import { z } from 'zod';
import { RELAY_ERR } from '../../../shared/sync/protocol';
import { RelayError } from '../../core/errors';
import { parseJsonInput } from '../../http/jsonLimits';
import { writeConversation, type WebchatContext } from './context';
import { stampRead } from './transcript';
import { bind, send, tickQueue, toWidget, type Visitor } from './visitor';

// What a visitor's widget sends over its socket: a message (text and files), that they read the
// agent's messages, that they are typing, and their satisfaction score once the chat is resolved.

const frameSchema = z.discriminatedUnion('t', [
  z
    .object({
      t: z.literal('message'),
      text: z.string(),
      clientId: z.string().min(1).max(64),
      attachments: z.array(z.string().max(64)).max(50).optional(),
    })
    .strict(),
  z.object({ t: z.literal('read') }).strict(),
  z.object({ t: z.literal('typing'), on: z.boolean() }).strict(),
  z
    .object({
      t: z.literal('csat'),
      conversationId: z.string().max(64),
      score: z.number().int().min(1).max(5),
    })
    .strict(),
]);

type Frame = z.infer<typeof frameSchema>;
type FrameOf<T extends Frame['t']> = Extract<Frame, { t: T }>;

/** One text frame from the visitor: rate-limited, parsed within the relay's depth limit, then handled. */
export async function onVisitorFrame(ctx: WebchatContext, v: Visitor, raw: string): Promise<void> {
  if (!v.bucket.take()) {
    send(v, { t: 'error', code: RELAY_ERR.RATE_LIMITED, message: 'Slow down a little, please.' });
    return;
  }
  let json: unknown;
  try {
    json = parseJsonInput(raw, ctx.d.maxJsonDepth, 'The frame');
  } catch (err) {
    const code = err instanceof RelayError ? err.code : RELAY_ERR.BAD_FRAME;
    send(v, { t: 'error', code, message: 'That message could not be read.' });
    return;
  }
  const p = frameSchema.safeParse(json);
  if (!p.success) {
    send(v, { t: 'error', code: RELAY_ERR.VALIDATION, message: 'That message could not be read.' });
    return;
  }
  const f = p.data;
  switch (f.t) {
    case 'message':
      return visitorMessage(ctx, v, f);
    case 'read':
      return visitorRead(ctx, v);
    case 'typing':
      return visitorTyping(ctx, v, f);
    case 'csat':
      return visitorCsat(ctx, v, f);
    default: {
      const never: never = f;
      ctx.d.log.warn({ frame: never }, 'unknown web chat frame');
    }
  }
}

/**
 * A visitor's message goes through `inbound.receive` with the files they uploaded for it; a
 * resend of one already stored (same clientId) is answered with the stored one.
 */
async function visitorMessage(ctx: WebchatContext, v: Visitor, f: FrameOf<'message'>): Promise<void> {
  const { d, o, files } = ctx;
  const ids = f.attachments ?? [];
  if (!f.text.trim() && ids.length === 0) {
    send(v, { t: 'error', code: RELAY_ERR.VALIDATION, message: 'The message is empty.' });
    return;
  }
  if (f.text.length > o.maxMessageLength) {
    send(v, {
      t: 'error',
      code: RELAY_ERR.TOO_LARGE,
      message: `Messages can be at most ${o.maxMessageLength} characters.`,
    });
    return;
  }
  const done = v.sent.get(f.clientId);
  if (done) {
    const m = await d.store.get('message', done);
    if (m) send(v, { t: 'message', message: toWidget(done, m.data), clientId: f.clientId });
    return;
  }
  const owner = { customerId: v.customerId, inboxId: v.inboxId };
  const claimed = files.claim(ids, owner);
  const r = await d.inbound.receive({
    inboxId: v.inboxId,
    from: {},
    text: f.text,
    customerId: v.customerId,
    conversationId: v.conversationId,
    ...(claimed.length > 0
      ? { attachments: claimed.map(({ id, name, size, type }) => ({ id, name, size, type })) }
      : {}),
  });
  files.bind(claimed, r.messageId);
  bind(v, r.conversationId);
  ctx.presence.arrived(r.conversationId);
  v.sent.set(f.clientId, r.messageId);
  if (v.sent.size > 200) v.sent.delete(v.sent.keys().next().value as string);
  const m = await d.store.get('message', r.messageId);
  if (m) send(v, { t: 'message', message: toWidget(r.messageId, m.data), clientId: f.clientId });
  tickQueue(ctx.visitors, d.queuePosition);
}

/** The visitor has seen the agent's messages: stamped once per newer agent message. */
async function visitorRead(ctx: WebchatContext, v: Visitor): Promise<void> {
  const conv = v.conversationId ? { id: v.conversationId } : null;
  if (!conv) return;
  const last = await ctx.q.newest(conv.id, 'out');
  const readAt = (await ctx.d.store.get('conversation', conv.id))?.data['visitorReadAt'];
  if (last && !(typeof readAt === 'string' && readAt >= last)) await stampRead(ctx, conv.id, 'visitorReadAt');
}

/** The visitor's typing reaches the assigned agent's apps while the chat is open. */
async function visitorTyping(ctx: WebchatContext, v: Visitor, f: FrameOf<'typing'>): Promise<void> {
  const conv = v.conversationId ? { id: v.conversationId } : null;
  const data = conv ? (await ctx.d.store.get('conversation', conv.id))?.data : undefined;
  const agentId = data?.['assigneeId'];
  if (conv && typeof agentId === 'string' && data?.['status'] !== 'resolved')
    ctx.d.sendToAgent(agentId, { t: 'typing', conversationId: conv.id, on: f.on });
}

/** A satisfaction score on one of the visitor's own chats; every tab of that chat hears it was saved. */
async function visitorCsat(ctx: WebchatContext, v: Visitor, f: FrameOf<'csat'>): Promise<void> {
  const { d } = ctx;
  const conv = await d.store.get('conversation', f.conversationId);
  if (!conv || (await ctx.q.ownConversation(v.customerId, f.conversationId)) === null) {
    send(v, { t: 'error', code: RELAY_ERR.FORBIDDEN, message: 'That conversation is not yours.' });
    return;
  }
  const at = new Date(d.now()).toISOString();
  await writeConversation(d, f.conversationId, { csatScore: f.score, csatAt: at }, at);
  for (const w of ctx.visitors)
    if (w.conversationId === f.conversationId) send(w, { t: 'csatSaved', conversationId: f.conversationId });
}
