import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { emptyCustomerFields, type Change, type MessageData } from '../../../shared/sync/entities';
import type { HlcClock } from '../../../shared/sync/hlc';
import { uuidv7 } from '../../../shared/sync/ids';
import { RELAY_CLOSE, RELAY_ERR, type ServerFrame } from '../../../shared/sync/protocol';
import type { Database } from '../../data/db';
import { guarded } from '../../core/guard';
import { RelayError } from '../../core/errors';
import { parseJsonInput } from '../../http/jsonLimits';
import type { Logger } from '../../core/logger';
import { TokenBucket } from '../../core/rateLimit';
import { targetOf } from '../../http/requestTarget';
import { appendRecord, raiseLastMessageAt, writeFields } from '../../data/records';
import type { Store, WriteMeta } from '../../data/store';
import type { Viewer } from '../../data/visibility';
import type { createInbound } from '../inbound';
import {
  ATTACHMENT_TYPES,
  createAttachmentStore,
  resolveAttachmentOptions,
  type AttachmentMeta,
  type AttachmentOptions,
} from './attachments';
import { DEFAULT_OFFLINE_REPLY_HOURS } from './settings';
import { signVisitorToken, verifyIdentityHash, verifyVisitorToken } from './token';
import { createWidgetHttp, type OfflineRequest, type SessionRequest } from './widgetHttp';

/** Per-inbox settings of the web chat widget. */
export type WebchatInboxConfig = {
  /**
   * Origins (`https://shop.example`) whose pages may embed the widget. Missing or empty: every
   * origin is allowed, which suits the demo; set it for any real deployment.
   */
  allowedOrigins?: string[];
  /** Secret of the host site's signed identities (`data-user-hash` = HMAC-SHA256 hex of the id). */
  identitySecret?: string;
  /** Hours within which the offline form promises an answer. Default: the top-level setting. */
  offlineReplyHours?: number;
};

/** Options of the web chat channel; every limit has a default. */
export type WebchatOptions = {
  /** Settings by inbox id. Default: none (every origin allowed, no signed identities). */
  inboxes?: Record<string, WebchatInboxConfig>;
  /** Longest visitor message, in characters. Default 2,000. */
  maxMessageLength?: number;
  /** Visitor frames per second per socket, with a burst. Default 2/s, burst 10. */
  rateLimit?: { perSecond: number; burst: number };
  /** Sessions started per second per IP address, with a burst. Default 0.2/s, burst 10. */
  sessionRateLimit?: { perSecond: number; burst: number };
  /** Lifetime of a visitor token. Default 30 days. */
  tokenTtlMs?: number;
  /** Largest visitor frame, in bytes. Default 16 KiB. */
  maxPayload?: number;
  /** How often waiting visitors hear their queue position. Default 2 s. */
  queueTickMs?: number;
  /** Files visitors may attach: size (default 10 MiB), count (default 5) and types (default all). */
  attachments?: AttachmentOptions;
  /** Hours within which the offline form promises an answer, when no agent is there. Default 24. */
  offlineReplyHours?: number;
};

const rate = z.object({ perSecond: z.number().positive(), burst: z.number().min(1) }).strict();
/** The web chat settings file (`relay serve --webchat file.json`), checked before the relay starts. */
export const webchatOptionsSchema = z
  .object({
    inboxes: z
      .record(
        z.string().max(64),
        z
          .object({
            allowedOrigins: z.array(z.string().url().max(200)).max(100).optional(),
            identitySecret: z.string().min(16).max(200).optional(),
            offlineReplyHours: z
              .number()
              .int()
              .min(1)
              .max(24 * 14)
              .optional(),
          })
          .strict(),
      )
      .optional(),
    maxMessageLength: z.number().int().min(1).max(20_000).optional(),
    rateLimit: rate.optional(),
    sessionRateLimit: rate.optional(),
    tokenTtlMs: z.number().int().positive().optional(),
    maxPayload: z.number().int().positive().optional(),
    queueTickMs: z.number().int().positive().optional(),
    attachments: z
      .object({
        maxBytes: z
          .number()
          .int()
          .min(1)
          .max(100 * 1024 * 1024)
          .optional(),
        maxFiles: z.number().int().min(1).max(20).optional(),
        unsentTtlMs: z.number().int().positive().optional(),
        types: z.array(z.enum(ATTACHMENT_TYPES)).optional(),
      })
      .strict()
      .optional(),
    offlineReplyHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 14)
      .optional(),
  })
  .strict();

export type WebchatDeps = {
  db: Database;
  store: Store;
  relayClock: HlcClock;
  secret: Buffer;
  inbound: ReturnType<typeof createInbound>;
  queuePosition: (conversationId: string) => number | null;
  /** Tells the assigned agent's apps that the visitor is typing. */
  sendToAgent: (agentId: string, frame: ServerFrame) => void;
  maxBodyBytes: number;
  /** Deepest JSON nesting accepted in a body or frame (the relay's `maxJsonDepth`). */
  maxJsonDepth: number;
  /** The relay's data directory: attachments are stored under `attachments/`. */
  dataDir: string;
  /** Whether an agent who could take the inbox's conversations is there (else the offline form). */
  isStaffed: (inboxId: string) => boolean;
  /** A visitor reopened their chat (routing moves it if its agent is gone past the grace). Default: nothing. */
  onVisitorReturned?: (conversationId: string) => void;
  /** The agent behind an `Authorization: Bearer` access token; throws RelayError when there is none. */
  authorizeAgent: (req: IncomingMessage) => Viewer;
  log: Logger;
  now: () => number;
  options?: WebchatOptions;
  /**
   * An inbox's settings, read at every use so a change applies without a restart. Default: the
   * `inboxes` of `options`.
   */
  inboxConfig?: (inboxId: string) => WebchatInboxConfig | undefined;
};

const SYSTEM: WriteMeta = { mutationId: null, agentId: null };

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

type VisitorFrame =
  | { t: 'message'; message: WidgetMessage; clientId?: string }
  | { t: 'queue'; position: number }
  | { t: 'assigned' }
  | { t: 'typing'; on: boolean }
  | { t: 'csat'; conversationId: string }
  | { t: 'csatSaved'; conversationId: string }
  /** The agent has read the visitor's messages up to `at`. */
  | { t: 'read'; at: string }
  | { t: 'error'; code: string; message: string };

type WidgetMessage = {
  id: string;
  direction: 'in' | 'out';
  body: string;
  createdAt: string;
  attachments: { id: string; name: string; size: number; type: string }[];
};

type Visitor = {
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

/**
 * The web chat channel: serves `GET /widget.js`, starts visitor sessions (`POST
 * /v1/widget/sessions`, answering with an HMAC-signed visitor token bound to the visitor's customer
 * record in one inbox) and carries the conversation over `/v1/widget/socket`: visitor messages go
 * through `inbound.receive`, agents' replies, queue position and the CSAT prompt come back.
 */
export function createWebchat(d: WebchatDeps) {
  const o = {
    inboxes: d.options?.inboxes ?? {},
    maxMessageLength: d.options?.maxMessageLength ?? 2_000,
    rateLimit: d.options?.rateLimit ?? { perSecond: 2, burst: 10 },
    sessionRateLimit: d.options?.sessionRateLimit ?? { perSecond: 0.2, burst: 10 },
    tokenTtlMs: d.options?.tokenTtlMs ?? 30 * 24 * 3600_000,
    maxPayload: d.options?.maxPayload ?? 16 * 1024,
    queueTickMs: d.options?.queueTickMs ?? 2_000,
    offlineReplyHours: d.options?.offlineReplyHours ?? DEFAULT_OFFLINE_REPLY_HOURS,
  };
  const inboxConfig = d.inboxConfig ?? ((inboxId: string) => o.inboxes[inboxId]);
  const files = createAttachmentStore(d.dataDir, resolveAttachmentOptions(d.options?.attachments), d.now);
  const wss = new WebSocketServer({ noServer: true, maxPayload: o.maxPayload });
  const visitors = new Set<Visitor>();

  const inboxQ = d.db.prepare<[string], { id: string; channel: string }>(
    'SELECT id, channel FROM inboxes WHERE id = ?',
  );
  const byIdentity = d.db.prepare<[string], { id: string }>(
    `SELECT id FROM records WHERE entity = 'customer' AND deleted = 0
       AND EXISTS (SELECT 1 FROM json_each(records.data, '$.identities')
                   WHERE json_extract(value, '$.kind') = 'webchat' AND json_extract(value, '$.value') = ?)
     LIMIT 1`,
  );
  // A session's conversation is a chat the visitor's own profile wrote in (message customerIds are
  // written once and never moved by a merge), now on their profile or the one it was merged into.
  // Conversations a merge brought onto the visitor's profile never qualify. Any chat inbox: a
  // transfer moves the chat to the new team's inbox, and the visitor keeps it.
  const ownConvQ = d.db
    .prepare<{ cust: string; target: string; conv: string | null }, string>(
      `SELECT c.id FROM records c WHERE c.entity = 'conversation' AND c.deleted = 0
       AND (@conv IS NULL OR c.id = @conv)
       AND json_extract(c.data, '$.channel') = 'chat'
       AND json_extract(c.data, '$.customerId') IN (@cust, @target)
       AND EXISTS (SELECT 1 FROM records m WHERE m.conv_id = c.id AND m.entity = 'message' AND m.deleted = 0
                   AND json_extract(m.data, '$.direction') = 'in' AND json_extract(m.data, '$.customerId') = @cust)
     ORDER BY json_extract(c.data, '$.createdAt') DESC, c.seq DESC LIMIT 1`,
    )
    .pluck();
  const messagesOf = d.db.prepare<[string], { id: string; seq: number; data: string }>(
    `SELECT id, seq, data FROM records WHERE entity = 'message' AND deleted = 0 AND conv_id = ? ORDER BY seq`,
  );

  /** The visitor's latest own chat (or whether `conv` is one of theirs), else null. */
  function ownConversation(customerId: string, conv: string | null = null): string | null {
    const merged = d.store.get('customer', customerId)?.data['mergedInto'];
    const target = typeof merged === 'string' ? merged : customerId;
    return ownConvQ.get({ cust: customerId, target, conv }) ?? null;
  }

  function originAllowed(inboxId: string, origin: string | undefined): boolean {
    const allowed = inboxConfig(inboxId)?.allowedOrigins;
    if (!allowed || allowed.length === 0) return true;
    return origin !== undefined && allowed.includes(origin);
  }

  function createCustomer(fields: Record<string, unknown>): string {
    const id = uuidv7(d.now());
    const at = new Date(d.now()).toISOString();
    d.store.transaction(() =>
      writeFields(
        d.store,
        {
          entity: 'customer',
          id,
          fields: {
            name: 'Visitor',
            ...emptyCustomerFields(),
            createdAt: at,
            ...fields,
          },
          clock: d.relayClock.now(),
          convId: null,
          at,
        },
        SYSTEM,
      ),
    );
    return id;
  }

  /** A signed identity lands on its profile; anything else gets a new profile that merges with none. */
  function startSession(b: SessionRequest): string {
    if (!inboxQ.get(b.inboxId)) throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no inbox ${b.inboxId}.`);
    const name = b.name?.trim() || 'Visitor';
    // What the visitor typed is unverified: kept for the agent to read, never used to match.
    const unverified: Record<string, string> = {};
    if (b.email?.trim()) unverified['webchat.email'] = b.email.trim();
    if (b.phone?.trim()) unverified['webchat.phone'] = b.phone.trim();
    let customerId: string | null = null;
    if (b.userId || b.userHash) {
      if (
        !b.userId ||
        !b.userHash ||
        !verifyIdentityHash(inboxConfig(b.inboxId)?.identitySecret, b.userId, b.userHash)
      )
        throw new RelayError(RELAY_ERR.FORBIDDEN, 'The signed identity is not valid for this inbox.');
      const identity = `${b.inboxId}:${b.userId}`;
      customerId =
        byIdentity.get(identity)?.id ??
        createCustomer({
          name,
          identities: [{ kind: 'webchat', value: identity }],
          customFields: unverified,
        });
    } else {
      customerId = createCustomer({ name, customFields: unverified });
    }
    return signVisitorToken(d.secret, { inbox: b.inboxId, cust: customerId, exp: d.now() + o.tokenTtlMs });
  }

  /** Points the session at a conversation it wrote in (its first, or a new one after a resolved chat). */
  function bind(v: Visitor, conversationId: string): void {
    if (v.conversationId === conversationId) return;
    v.conversationId = conversationId;
    v.announced = null;
    v.readAt = null;
  }

  const send = (v: Visitor, f: VisitorFrame) => {
    if (v.ws.readyState === v.ws.OPEN) v.ws.send(JSON.stringify(f));
  };

  const toWidget = (id: string, m: Partial<MessageData>): WidgetMessage => ({
    id,
    direction: m.direction === 'out' ? 'out' : 'in',
    body: typeof m.body === 'string' ? m.body : '',
    createdAt: typeof m.createdAt === 'string' ? m.createdAt : '',
    attachments: Array.isArray(m.attachments)
      ? m.attachments.map((a) => ({ id: a.id, name: a.name, size: a.size, type: a.type }))
      : [],
  });

  /** Newest message of one direction in a conversation, or '' when there is none. */
  function newest(convId: string, direction: 'in' | 'out'): string {
    let at = '';
    for (const r of messagesOf.all(convId)) {
      const m = JSON.parse(r.data) as Partial<MessageData>;
      if (m.direction === direction && typeof m.createdAt === 'string' && m.createdAt > at) at = m.createdAt;
    }
    return at;
  }

  /** Stamps a read time on the conversation (no field history: it moves on every read). */
  function stampRead(convId: string, field: 'agentReadAt' | 'visitorReadAt'): void {
    const at = new Date(d.now()).toISOString();
    d.store.transaction(() =>
      writeFields(
        d.store,
        {
          entity: 'conversation',
          id: convId,
          fields: { [field]: at },
          clock: d.relayClock.now(),
          convId,
          at,
        },
        SYSTEM,
      ),
    );
  }

  function tellRead(v: Visitor, at: unknown): void {
    if (typeof at !== 'string' || at === v.readAt) return;
    v.readAt = at;
    send(v, { t: 'read', at });
  }

  /** Everything after the visitor's last message id in the session's conversation (all when unknown). */
  function backlog(v: Visitor, since: string | undefined): void {
    const conv = v.conversationId ? { id: v.conversationId } : null;
    if (!conv) return;
    const rows = messagesOf.all(conv.id);
    const from = since ? rows.findIndex((r) => r.id === since) + 1 : 0;
    for (const r of rows.slice(from)) send(v, { t: 'message', message: toWidget(r.id, JSON.parse(r.data)) });
    const c = d.store.get('conversation', conv.id)?.data;
    tellRead(v, c?.['agentReadAt']);
    if (c?.['status'] === 'resolved' && typeof c['csatScore'] !== 'number')
      send(v, { t: 'csat', conversationId: conv.id });
  }

  function onFrame(v: Visitor, raw: string): void {
    if (!v.bucket.take()) {
      send(v, { t: 'error', code: RELAY_ERR.RATE_LIMITED, message: 'Slow down a little, please.' });
      return;
    }
    let json: unknown;
    try {
      json = parseJsonInput(raw, d.maxJsonDepth, 'The frame');
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
      case 'message': {
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
          const m = d.store.get('message', done);
          if (m) send(v, { t: 'message', message: toWidget(done, m.data), clientId: f.clientId });
          return;
        }
        const owner = { customerId: v.customerId, inboxId: v.inboxId };
        const claimed = files.claim(ids, owner);
        const r = d.inbound.receive({
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
        v.sent.set(f.clientId, r.messageId);
        if (v.sent.size > 200) v.sent.delete(v.sent.keys().next().value as string);
        const m = d.store.get('message', r.messageId);
        if (m) send(v, { t: 'message', message: toWidget(r.messageId, m.data), clientId: f.clientId });
        tickQueue();
        return;
      }
      case 'read': {
        // The visitor has seen the agent's messages: stamped once per newer agent message.
        const conv = v.conversationId ? { id: v.conversationId } : null;
        if (!conv) return;
        const last = newest(conv.id, 'out');
        const readAt = d.store.get('conversation', conv.id)?.data['visitorReadAt'];
        if (last && !(typeof readAt === 'string' && readAt >= last)) stampRead(conv.id, 'visitorReadAt');
        return;
      }
      case 'typing': {
        const conv = v.conversationId ? { id: v.conversationId } : null;
        const data = conv ? d.store.get('conversation', conv.id)?.data : undefined;
        const agentId = data?.['assigneeId'];
        if (conv && typeof agentId === 'string' && data?.['status'] !== 'resolved')
          d.sendToAgent(agentId, { t: 'typing', conversationId: conv.id, on: f.on });
        return;
      }
      case 'csat': {
        const conv = d.store.get('conversation', f.conversationId);
        if (!conv || ownConversation(v.customerId, f.conversationId) === null) {
          send(v, { t: 'error', code: RELAY_ERR.FORBIDDEN, message: 'That conversation is not yours.' });
          return;
        }
        const at = new Date(d.now()).toISOString();
        d.store.transaction(() =>
          writeFields(
            d.store,
            {
              entity: 'conversation',
              id: f.conversationId,
              fields: { csatScore: f.score, csatAt: at },
              clock: d.relayClock.now(),
              convId: f.conversationId,
              at,
            },
            SYSTEM,
          ),
        );
        for (const w of visitors)
          if (w.conversationId === f.conversationId)
            send(w, { t: 'csatSaved', conversationId: f.conversationId });
        return;
      }
      default: {
        const never: never = f;
        d.log.warn({ frame: never }, 'unknown web chat frame');
      }
    }
  }

  function tickQueue(): void {
    for (const v of visitors) {
      const pos = v.conversationId ? d.queuePosition(v.conversationId) : null;
      const position = pos ?? 0;
      if (position !== v.lastQueue) {
        v.lastQueue = position;
        send(v, { t: 'queue', position });
      }
    }
  }
  const queueTimer = setInterval(guarded(d.log, 'web chat queue tick', tickQueue), o.queueTickMs);
  queueTimer.unref();
  // Files a visitor uploaded and never sent go after a day (at start, then hourly).
  const sweep = () => {
    try {
      const n = files.sweep();
      if (n > 0) d.log.info({ files: n }, 'deleted web chat files never sent');
    } catch (err) {
      d.log.warn({ err }, 'web chat file sweep failed');
    }
  };
  sweep();
  const sweepTimer = setInterval(sweep, 3600_000);
  sweepTimer.unref();

  /** An agent's file goes to the visitor as the agent's message, appended as message.send does. */
  function sendAgentFile(agentId: string, conversationId: string, file: AttachmentMeta): string {
    const conv = d.store.get('conversation', conversationId);
    if (!conv) throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no conversation ${conversationId}.`);
    const id = uuidv7(d.now());
    const at = new Date(d.now()).toISOString();
    const meta: WriteMeta = { mutationId: null, agentId };
    d.store.transaction(() => {
      appendRecord(
        d.store,
        'message',
        id,
        {
          conversationId,
          customerId: conv.data['customerId'],
          direction: 'out',
          authorId: agentId,
          body: '',
          createdAt: at,
          attachments: [{ id: file.id, name: file.name, size: file.size, type: file.type }],
        },
        conversationId,
        meta,
      );
      raiseLastMessageAt(d.store, d.relayClock, conv, at, at, meta);
    });
    files.bind([file], id);
    return id;
  }

  /** A conversation for a message left while nobody was there: pending until an agent picks it up. */
  function leaveOfflineMessage(b: OfflineRequest): { replyWithinHours: number } {
    if (!inboxQ.get(b.inboxId)) throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no inbox ${b.inboxId}.`);
    if (b.message.length > o.maxMessageLength)
      throw new RelayError(RELAY_ERR.TOO_LARGE, `Messages can be at most ${o.maxMessageLength} characters.`);
    // Unverified, as in a chat: kept for the agent to answer, never used to match a profile.
    const customerId = createCustomer({ name: b.name, customFields: { 'webchat.email': b.email } });
    d.inbound.receive({
      inboxId: b.inboxId,
      from: {},
      text: b.message,
      customerId,
      subject: `Offline message: answer by email to ${b.email}`,
      status: 'pending',
    });
    return { replyWithinHours: inboxConfig(b.inboxId)?.offlineReplyHours ?? o.offlineReplyHours };
  }

  /** A visitor socket once upgraded: checks the token and origin, then serves the chat. */
  function acceptVisitor(ws: WebSocket, req: IncomingMessage, query: URLSearchParams): void {
    const claims = verifyVisitorToken(d.secret, query.get('token') ?? '', d.now());
    if (!claims || !d.store.get('customer', claims.cust)) {
      ws.close(RELAY_CLOSE.UNAUTHORIZED, 'invalid visitor token');
      return;
    }
    if (!originAllowed(claims.inbox, req.headers.origin)) {
      ws.close(RELAY_CLOSE.FORBIDDEN, 'origin not allowed');
      return;
    }
    const v: Visitor = {
      ws,
      inboxId: claims.inbox,
      origin: req.headers.origin,
      customerId: claims.cust,
      conversationId: ownConversation(claims.cust),
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
    if (v.conversationId) d.onVisitorReturned?.(v.conversationId);
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        send(v, { t: 'error', code: RELAY_ERR.VALIDATION, message: 'Only text messages are accepted.' });
        return;
      }
      try {
        onFrame(v, (data as Buffer).toString('utf8'));
      } catch (err) {
        if (err instanceof RelayError) send(v, { t: 'error', code: err.code, message: err.message });
        else {
          d.log.error({ err }, 'web chat frame failed');
          send(v, {
            t: 'error',
            code: RELAY_ERR.INTERNAL,
            message: 'That message could not be sent; try again.',
          });
        }
      }
    });
    ws.on('close', () => visitors.delete(v));
    ws.on('error', (err) => d.log.warn({ err }, 'web chat socket error'));
    const since = query.get('since') ?? undefined;
    backlog(v, since && since.length <= 64 ? since : undefined);
    tickQueue();
  }

  const handle = createWidgetHttp({
    store: d.store,
    secret: d.secret,
    maxBodyBytes: d.maxBodyBytes,
    maxJsonDepth: d.maxJsonDepth,
    now: d.now,
    isStaffed: d.isStaffed,
    authorizeAgent: d.authorizeAgent,
    files,
    maxMessageLength: o.maxMessageLength,
    sessionRateLimit: o.sessionRateLimit,
    uploadRateLimit: o.rateLimit,
    offlineReplyHours: (inboxId) => inboxConfig(inboxId)?.offlineReplyHours ?? o.offlineReplyHours,
    inboxExists: (inboxId) => inboxQ.get(inboxId) !== undefined,
    visitorOwns: (customerId, conversationId) => ownConversation(customerId, conversationId) !== null,
    originAllowed,
    startSession,
    leaveOfflineMessage,
    sendAgentFile,
  });

  return {
    /** Serves `/widget.js`, `/v1/widget/*` (sessions, config, offline form, files) and agents' `/v1/attachments/:id`. */
    handle,

    /** Takes `/v1/widget/socket` upgrades; false for other paths. */
    upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
      const { path, query } = targetOf(req);
      if (path !== '/v1/widget/socket') return false;
      wss.handleUpgrade(req, socket, head, (ws) => {
        try {
          acceptVisitor(ws, req, query);
        } catch (err) {
          d.log.error({ err }, 'web chat socket accept failed');
          ws.close(RELAY_CLOSE.INTERNAL, 'the relay failed to open this chat');
        }
      });
      return true;
    },

    /** Sees every published change: agents' replies, assignment and resolution reach the visitor. */
    onChanges(changes: readonly Change[]): void {
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
              if (typeof conv === 'string' && ownConversation(v.customerId, conv)) bind(v, conv);
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
    },

    /** An agent's typing reaches the visitor only when the conversation is assigned to that agent. */
    agentTyping(agentId: string, conversationId: string, on: boolean): void {
      const conv = d.store.get('conversation', conversationId)?.data;
      if (!conv || conv['assigneeId'] !== agentId) return;
      for (const v of visitors) if (v.conversationId === conversationId) send(v, { t: 'typing', on });
    },

    /**
     * The assigned agent read the conversation: stamped once per newer customer message, and the
     * visitor sees a read receipt. Other agents' reads are not the customer's business.
     */
    agentRead(agentId: string, conversationId: string): void {
      const conv = d.store.get('conversation', conversationId)?.data;
      if (!conv || conv['assigneeId'] !== agentId) return;
      const last = newest(conversationId, 'in');
      const readAt = conv['agentReadAt'];
      if (last && !(typeof readAt === 'string' && readAt >= last)) stampRead(conversationId, 'agentReadAt');
    },

    /** Whether a visitor has this conversation's chat open now (routing: the chat is live). */
    visitorConnected(conversationId: string): boolean {
      for (const v of visitors) if (v.conversationId === conversationId) return true;
      return false;
    },

    /** An admin changed the inbox's settings: chats open on a page no longer allowed are closed. */
    settingsChanged(inboxId: string): void {
      for (const v of visitors)
        if (v.inboxId === inboxId && !originAllowed(inboxId, v.origin))
          v.ws.close(RELAY_CLOSE.FORBIDDEN, 'origin not allowed');
    },

    close(): void {
      clearInterval(queueTimer);
      clearInterval(sweepTimer);
      for (const v of visitors) v.ws.terminate();
      wss.close();
    },
  };
}
