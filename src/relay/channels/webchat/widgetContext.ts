import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { RELAY_ERR } from '../../../shared/sync/protocol';
import { RelayError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { TokenBucket } from '../../core/rateLimit';
import type { AsyncStoreReads } from '../../data/asyncStore';
import { canSee, type Viewer } from '../../data/visibility';
import type { AttachmentMeta, AttachmentStore } from './attachments';
import { verifyVisitorToken, type VisitorClaims } from './token';
import { readJsonBody } from '../../http/reply';

// What the web chat's HTTP functions (widgetRoutes.ts, widgetHttp.ts) share: the deps, the
// bodies they take, who calls, and who may read a file.

export const sessionSchema = z
  .object({
    inboxId: z.string().min(1).max(64),
    name: z.string().max(200).optional(),
    email: z.string().max(254).optional(),
    phone: z.string().max(40).optional(),
    userId: z.string().min(1).max(200).optional(),
    userHash: z.string().max(128).optional(),
  })
  .strict();

export const offlineSchema = z
  .object({
    inboxId: z.string().min(1).max(64),
    name: z.string().trim().min(1).max(200),
    email: z.string().trim().email().max(254),
    message: z.string().trim().min(1),
  })
  .strict();

export type SessionRequest = z.infer<typeof sessionSchema>;
export type OfflineRequest = z.infer<typeof offlineSchema>;

export type WidgetHttpDeps = {
  store: Pick<AsyncStoreReads, 'get'>;
  log: Logger;
  secret: Buffer;
  maxBodyBytes: number;
  /** Deepest JSON nesting accepted in a body (the relay's `maxJsonDepth`). */
  maxJsonDepth: number;
  now: () => number;
  isStaffed: (inboxId: string) => boolean;
  authorizeAgent: (req: IncomingMessage) => Promise<Viewer>;
  files: AttachmentStore;
  maxMessageLength: number;
  sessionRateLimit: { perSecond: number; burst: number };
  /** Uploads per visitor: the visitor socket's frame rate. */
  uploadRateLimit: { perSecond: number; burst: number };
  /** Hours the offline form promises an answer within, for an inbox. */
  offlineReplyHours: (inboxId: string) => Promise<number>;
  inboxExists: (inboxId: string) => Promise<boolean>;
  /** Whether a conversation is one this visitor's session carries (webchat.ts, the one rule). */
  visitorOwns: (customerId: string, conversationId: string) => Promise<boolean>;
  originAllowed: (inboxId: string, origin: string | undefined) => Promise<boolean>;
  /** Starts a visitor session; answers the visitor token. */
  startSession: (b: SessionRequest) => Promise<string>;
  /** Sends a file an agent uploaded to the customer of a web chat, as the agent's message; its id. */
  sendAgentFile: (agentId: string, conversationId: string, file: AttachmentMeta) => Promise<string>;
  /** Makes the pending conversation of an offline message; answers when to expect a reply. */
  leaveOfflineMessage: (b: OfflineRequest) => Promise<{ replyWithinHours: number }>;
};

/** The deps and the rate-limit buckets, by IP (sessions) and by customer (uploads). */
export type WidgetCtx = WidgetHttpDeps & {
  sessionBuckets: Map<string, TokenBucket>;
  uploadBuckets: Map<string, TokenBucket>;
};

export const widgetContext = (h: WidgetHttpDeps): WidgetCtx => ({
  ...h,
  sessionBuckets: new Map(),
  uploadBuckets: new Map(),
});

/** Answers JSON, never cached; true, so a route can return it. */
export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res
    .writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...headers,
    })
    .end(JSON.stringify(body));
  return true;
}

export const scopeOf = (c: Record<string, unknown>) => ({
  teamId: typeof c['teamId'] === 'string' ? c['teamId'] : null,
  assigneeId: typeof c['assigneeId'] === 'string' ? c['assigneeId'] : null,
});

/** The file's name from `X-File-Name` (URL-encoded; taken raw when the encoding is broken). */
export function fileNameOf(req: IncomingMessage): string {
  const raw = String(req.headers['x-file-name'] ?? 'file');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** Takes one from the bucket of `key` (made on first use; all dropped past 10,000 keys). */
export function takeFrom(
  c: WidgetCtx,
  buckets: Map<string, TokenBucket>,
  key: string,
  limit: { perSecond: number; burst: number },
): boolean {
  let bucket = buckets.get(key);
  if (!bucket) {
    if (buckets.size > 10_000) buckets.clear();
    bucket = new TokenBucket(limit.perSecond, limit.burst, c.now);
    buckets.set(key, bucket);
  }
  return bucket.take();
}

/** The session bucket of the caller's IP: starting chats and offline messages share it. */
export function takeSessionSlot(c: WidgetCtx, req: IncomingMessage): void {
  if (!takeFrom(c, c.sessionBuckets, req.socket.remoteAddress ?? '', c.sessionRateLimit))
    throw new RelayError(RELAY_ERR.RATE_LIMITED, 'Too many chats started; try again soon.');
}

export async function readJson<T>(c: WidgetCtx, req: IncomingMessage, schema: z.ZodType<T>): Promise<T> {
  const body = await readJsonBody(req, c.maxBodyBytes, c.maxJsonDepth);
  const p = schema.safeParse(body);
  if (!p.success) {
    const i = p.error.issues[0];
    throw new RelayError(RELAY_ERR.VALIDATION, `${i?.path.join('.') || 'body'}: ${i?.message ?? 'invalid'}`);
  }
  return p.data;
}

/** The visitor behind `Authorization: Bearer <visitor token>`, on a page allowed to embed the chat. */
export async function visitorOf(c: WidgetCtx, req: IncomingMessage): Promise<VisitorClaims> {
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
  const claims = verifyVisitorToken(c.secret, token, c.now());
  if (!claims || !(await c.store.get('customer', claims.cust)))
    throw new RelayError(RELAY_ERR.UNAUTHORIZED, 'Your chat session has ended; start a new chat.');
  if (!(await c.originAllowed(claims.inbox, req.headers.origin)))
    throw new RelayError(RELAY_ERR.FORBIDDEN, 'This site may not embed this chat.');
  return claims;
}

/** Agents download a file when they may see the conversation of the message that carries it. */
export async function agentMayRead(c: WidgetCtx, viewer: Viewer, m: AttachmentMeta): Promise<boolean> {
  if (!m.messageId) return false;
  const msg = await c.store.get('message', m.messageId);
  const carried = msg?.data['attachments'];
  if (
    !msg ||
    msg.deleted ||
    !Array.isArray(carried) ||
    !carried.some((a) => (a as { id?: unknown }).id === m.id)
  )
    return false;
  const conv = msg.convId ? await c.store.get('conversation', msg.convId) : null;
  if (!conv) return false;
  return canSee(viewer, conv.id, scopeOf(conv.data));
}

/**
 * A visitor reads a file they uploaded and have not sent yet, or a file of a message in their own
 * conversation (theirs or the agent's): never one by customer alone, which a merge can change.
 */
export async function visitorMayRead(
  c: WidgetCtx,
  claims: { cust: string; inbox: string },
  m: AttachmentMeta,
): Promise<boolean> {
  if (!m.messageId) return m.customerId === claims.cust && m.inboxId === claims.inbox;
  const convId = (await c.store.get('message', m.messageId))?.convId;
  return !!convId && (await c.visitorOwns(claims.cust, convId));
}
