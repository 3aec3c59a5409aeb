import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { RELAY_CLOSE, RELAY_ERR } from '../../../shared/sync/protocol';
import { RelayError } from '../../core/errors';
import { TokenBucket } from '../../core/rateLimit';
import type { WebchatContext } from './context';
import { originAllowed } from './sessions';
import { verifyVisitorToken } from './token';
import { backlog } from './transcript';
import { send, tickQueue, type Visitor } from './visitor';
import { onVisitorFrame } from './visitorFrames';

/**
 * A visitor socket once upgraded: checks the token and origin, then serves the chat. The socket's
 * frames are handled one after another, in order, each once the one before (and the admission,
 * which reads the store) is done, so none is lost while the chat opens.
 */
export function acceptVisitor(
  ctx: WebchatContext,
  ws: WebSocket,
  req: IncomingMessage,
  query: URLSearchParams,
): void {
  const { d } = ctx;
  let line: Promise<Visitor | null> = admit(ctx, ws, req, query).catch((err: unknown) => {
    d.log.error({ err }, 'web chat socket accept failed');
    ws.close(RELAY_CLOSE.INTERNAL, 'the relay failed to open this chat');
    return null;
  });
  const next = (step: (v: Visitor) => Promise<void> | void) => {
    line = line.then(async (v) => {
      try {
        if (v) await step(v);
      } catch (err) {
        d.log.error({ err }, 'web chat socket event failed');
      }
      return v;
    });
  };
  ws.on('message', (data, isBinary) =>
    next((v) => {
      if (isBinary) {
        send(v, { t: 'error', code: RELAY_ERR.VALIDATION, message: 'Only text messages are accepted.' });
        return;
      }
      return onText(ctx, v, (data as Buffer).toString('utf8'));
    }),
  );
  ws.on('close', () =>
    next((v) => {
      ctx.visitors.delete(v);
      if (v.conversationId) ctx.presence.departed(v.conversationId);
    }),
  );
  ws.on('error', (err) => d.log.warn({ err }, 'web chat socket error'));
}

/** The visitor of a socket whose token and origin hold, told their backlog; null when refused (closed). */
async function admit(
  ctx: WebchatContext,
  ws: WebSocket,
  req: IncomingMessage,
  query: URLSearchParams,
): Promise<Visitor | null> {
  const { d, o, visitors } = ctx;
  const claims = verifyVisitorToken(d.secret, query.get('token') ?? '', d.now());
  if (!claims || !(await d.store.get('customer', claims.cust))) {
    ws.close(RELAY_CLOSE.UNAUTHORIZED, 'invalid visitor token');
    return null;
  }
  if (!(await originAllowed(ctx, claims.inbox, req.headers.origin))) {
    ws.close(RELAY_CLOSE.FORBIDDEN, 'origin not allowed');
    return null;
  }
  const v: Visitor = {
    ws,
    inboxId: claims.inbox,
    origin: req.headers.origin,
    customerId: claims.cust,
    conversationId: await ctx.q.ownConversation(claims.cust),
    bucket: new TokenBucket(o.rateLimit.perSecond, o.rateLimit.burst, d.now),
    sent: new Map(),
    lastQueue: null,
    announced: null,
    readAt: null,
  };
  // A resend of a message whose answer the visitor missed still finds its first id.
  for (const w of visitors)
    if (w.customerId === v.customerId) for (const [k, id] of w.sent) v.sent.set(k, id);
  visitors.add(v);
  if (v.conversationId) {
    ctx.presence.arrived(v.conversationId);
    d.onVisitorReturned?.(v.conversationId);
  }
  const since = query.get('since') ?? undefined;
  await backlog(ctx, v, since && since.length <= 64 ? since : undefined);
  tickQueue(visitors, d.queuePosition);
  return v;
}

/** A frame that fails is told to the visitor (a RelayError with its code; anything else logged). */
async function onText(ctx: WebchatContext, v: Visitor, text: string): Promise<void> {
  try {
    await onVisitorFrame(ctx, v, text);
  } catch (err) {
    if (err instanceof RelayError) send(v, { t: 'error', code: err.code, message: err.message });
    else {
      ctx.d.log.error({ err }, 'web chat frame failed');
      send(v, {
        t: 'error',
        code: RELAY_ERR.INTERNAL,
        message: 'That message could not be sent; try again.',
      });
    }
  }
}
