import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { RELAY_ERR } from '../../../shared/sync/protocol';
import { methodNotAllowed, RelayError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { TokenBucket } from '../../core/rateLimit';
import type { Store } from '../../data/store';
import { canSee, type Viewer } from '../../data/visibility';
import { AttachmentRefused, type AttachmentMeta, type AttachmentStore } from './attachments';
import { verifyVisitorToken, type VisitorClaims } from './token';
import { WIDGET_SCRIPT } from './widgetScript';
import { readJsonBody, sendError } from '../../http/reply';
import { targetOf } from '../../http/requestTarget';
import { RELAY_ROUTES } from '../../../shared/relayRoutes';

const sessionSchema = z
  .object({
    inboxId: z.string().min(1).max(64),
    name: z.string().max(200).optional(),
    email: z.string().max(254).optional(),
    phone: z.string().max(40).optional(),
    userId: z.string().min(1).max(200).optional(),
    userHash: z.string().max(128).optional(),
  })
  .strict();

const offlineSchema = z
  .object({
    inboxId: z.string().min(1).max(64),
    name: z.string().trim().min(1).max(200),
    email: z.string().trim().email().max(254),
    message: z.string().trim().min(1),
  })
  .strict();

export type SessionRequest = z.infer<typeof sessionSchema>;
export type OfflineRequest = z.infer<typeof offlineSchema>;

const WIDGET_PREFIX = '/v1/widget/';
const ATTACHMENT_PATH = /^\/v1\/(widget\/)?attachments\/([^/]+)$/;
const AGENT_UPLOAD = RELAY_ROUTES.uploadAttachment.pattern;

/** The methods each widget route takes (a 405 names them); none for a path that is no route. */
function methodsOf(path: string): string[] {
  if (path === '/v1/widget/config') return ['GET'];
  if (['/v1/widget/sessions', '/v1/widget/offline', '/v1/widget/attachments', AGENT_UPLOAD].includes(path))
    return ['POST'];
  return [];
}

const scopeOf = (c: Record<string, unknown>) => ({
  teamId: typeof c['teamId'] === 'string' ? c['teamId'] : null,
  assigneeId: typeof c['assigneeId'] === 'string' ? c['assigneeId'] : null,
});

/** The file's name from `X-File-Name` (URL-encoded; taken raw when the encoding is broken). */
function fileNameOf(req: IncomingMessage): string {
  const raw = String(req.headers['x-file-name'] ?? 'file');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export type WidgetHttpDeps = {
  store: Store;
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
  offlineReplyHours: (inboxId: string) => number;
  inboxExists: (inboxId: string) => boolean;
  /** Whether a conversation is one this visitor's session carries (webchat.ts, the one rule). */
  visitorOwns: (customerId: string, conversationId: string) => boolean;
  originAllowed: (inboxId: string, origin: string | undefined) => boolean;
  /** Starts a visitor session; answers the visitor token. */
  startSession: (b: SessionRequest) => string;
  /** Sends a file an agent uploaded to the customer of a web chat, as the agent's message; its id. */
  sendAgentFile: (agentId: string, conversationId: string, file: AttachmentMeta) => string;
  /** Makes the pending conversation of an offline message; answers when to expect a reply. */
  leaveOfflineMessage: (b: OfflineRequest) => { replyWithinHours: number };
};

/**
 * The web chat's HTTP side: the widget script, the widget's config (limits, whether anyone is
 * there), sessions, the offline form, visitors' uploads and downloads, and agents' downloads.
 * CORS only for the widget's routes; agents' downloads come from the app's main process.
 */
export function createWidgetHttp(h: WidgetHttpDeps) {
  const sessionBuckets = new Map<string, TokenBucket>();
  const uploadBuckets = new Map<string, TokenBucket>();

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res
      .writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
        ...headers,
      })
      .end(JSON.stringify(body));
    return true;
  };

  /** The session bucket of the caller's IP: starting chats and offline messages share it. */
  function takeSessionSlot(req: IncomingMessage): void {
    const ip = req.socket.remoteAddress ?? '';
    let bucket = sessionBuckets.get(ip);
    if (!bucket) {
      if (sessionBuckets.size > 10_000) sessionBuckets.clear();
      bucket = new TokenBucket(h.sessionRateLimit.perSecond, h.sessionRateLimit.burst, h.now);
      sessionBuckets.set(ip, bucket);
    }
    if (!bucket.take())
      throw new RelayError(RELAY_ERR.RATE_LIMITED, 'Too many chats started; try again soon.');
  }

  async function readJson<T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<T> {
    const body = await readJsonBody(req, h.maxBodyBytes, h.maxJsonDepth);
    const p = schema.safeParse(body);
    if (!p.success) {
      const i = p.error.issues[0];
      throw new RelayError(
        RELAY_ERR.VALIDATION,
        `${i?.path.join('.') || 'body'}: ${i?.message ?? 'invalid'}`,
      );
    }
    return p.data;
  }

  /** The visitor behind `Authorization: Bearer <visitor token>`, on a page allowed to embed the chat. */
  function visitorOf(req: IncomingMessage): VisitorClaims {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const claims = verifyVisitorToken(h.secret, token, h.now());
    if (!claims || !h.store.get('customer', claims.cust))
      throw new RelayError(RELAY_ERR.UNAUTHORIZED, 'Your chat session has ended; start a new chat.');
    if (!h.originAllowed(claims.inbox, req.headers.origin))
      throw new RelayError(RELAY_ERR.FORBIDDEN, 'This site may not embed this chat.');
    return claims;
  }

  const noSuchFile = () =>
    new RelayError(RELAY_ERR.NOT_FOUND, 'There is no such file, or it is not yours to see.');

  /** Agents download a file when they may see the conversation of the message that carries it. */
  function agentMayRead(viewer: Viewer, m: AttachmentMeta): boolean {
    if (!m.messageId) return false;
    const msg = h.store.get('message', m.messageId);
    const carried = msg?.data['attachments'];
    if (
      !msg ||
      msg.deleted ||
      !Array.isArray(carried) ||
      !carried.some((a) => (a as { id?: unknown }).id === m.id)
    )
      return false;
    const conv = msg.convId ? h.store.get('conversation', msg.convId) : null;
    if (!conv) return false;
    return canSee(viewer, conv.id, scopeOf(conv.data));
  }

  /**
   * A visitor reads a file they uploaded and have not sent yet, or a file of a message in their own
   * conversation (theirs or the agent's): never one by customer alone, which a merge can change.
   */
  function visitorMayRead(claims: { cust: string; inbox: string }, m: AttachmentMeta): boolean {
    if (!m.messageId) return m.customerId === claims.cust && m.inboxId === claims.inbox;
    const convId = h.store.get('message', m.messageId)?.convId;
    return !!convId && h.visitorOwns(claims.cust, convId);
  }

  /** A visitor's upload, rate-limited per customer; it waits for their next message to carry it. */
  async function visitorUpload(req: IncomingMessage, res: ServerResponse, cors: Record<string, string>) {
    const claims = visitorOf(req);
    let bucket = uploadBuckets.get(claims.cust);
    if (!bucket) {
      if (uploadBuckets.size > 10_000) uploadBuckets.clear();
      bucket = new TokenBucket(h.uploadRateLimit.perSecond, h.uploadRateLimit.burst, h.now);
      uploadBuckets.set(claims.cust, bucket);
    }
    if (!bucket.take())
      throw new RelayError(RELAY_ERR.RATE_LIMITED, 'Too many files at once; try again soon.');
    const attachment = await h.files.upload(
      req,
      { customerId: claims.cust, inboxId: claims.inbox },
      fileNameOf(req),
    );
    return json(res, 201, { attachment }, cors);
  }

  /** An agent sends a file to the web chat visitor: it goes out at once as the agent's message. */
  async function agentUpload(req: IncomingMessage, res: ServerResponse, query: URLSearchParams) {
    const viewer = await h.authorizeAgent(req);
    const conversationId = query.get('conversationId') ?? '';
    const conv = h.store.get('conversation', conversationId);
    if (!conv || conv.deleted || !canSee(viewer, conv.id, scopeOf(conv.data)))
      throw new RelayError(RELAY_ERR.FORBIDDEN, 'This conversation is not yours to write in.');
    // A web chat's visitor gets it at once; on an email conversation it goes with the mail outbox.
    const channel = conv.data['channel'];
    if ((channel !== 'chat' && channel !== 'email') || typeof conv.data['inboxId'] !== 'string')
      throw new RelayError(RELAY_ERR.VALIDATION, 'Files can only be sent in web chats and emails.');
    const owner = { customerId: String(conv.data['customerId']), inboxId: conv.data['inboxId'] };
    const attachment = await h.files.upload(req, owner, fileNameOf(req), false);
    const meta = h.files.meta(attachment.id)!;
    const messageId = h.sendAgentFile(viewer.agentId, conv.id, meta);
    return json(res, 201, { messageId, attachment });
  }

  /** A file download: a visitor's (with CORS) or an agent's, each only of what they may see. */
  async function serveAttachment(
    req: IncomingMessage,
    res: ServerResponse,
    m: RegExpExecArray,
    cors: Record<string, string>,
  ) {
    // Ids are hex: taken as they are, so a malformed escape is simply no such file.
    const meta = h.files.meta(m[2]!);
    if (m[1]) {
      const claims = visitorOf(req);
      if (!meta || !visitorMayRead(claims, meta)) throw noSuchFile();
      h.files.serve(res, meta, { ...cors, 'access-control-expose-headers': 'content-disposition' });
    } else {
      const viewer = await h.authorizeAgent(req);
      if (!meta || !agentMayRead(viewer, meta)) throw noSuchFile();
      h.files.serve(res, meta);
    }
    return true;
  }

  async function route(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    cors: Record<string, string>,
  ) {
    const origin = req.headers.origin;
    const { query } = targetOf(req);
    if (path === '/v1/widget/config' && req.method === 'GET') {
      const inboxId = query.get('inbox') ?? '';
      if (!h.inboxExists(inboxId)) throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no inbox ${inboxId}.`);
      if (!h.originAllowed(inboxId, origin))
        throw new RelayError(RELAY_ERR.FORBIDDEN, 'This site may not embed this chat.');
      return json(
        res,
        200,
        {
          online: h.isStaffed(inboxId),
          offlineReplyHours: h.offlineReplyHours(inboxId),
          maxMessageLength: h.maxMessageLength,
          attachments: h.files.options,
        },
        cors,
      );
    }
    if (path === '/v1/widget/sessions' && req.method === 'POST') {
      takeSessionSlot(req);
      const b = await readJson(req, sessionSchema);
      if (!h.originAllowed(b.inboxId, origin))
        throw new RelayError(RELAY_ERR.FORBIDDEN, 'This site may not embed this chat.');
      return json(res, 201, { token: h.startSession(b) }, cors);
    }
    if (path === '/v1/widget/offline' && req.method === 'POST') {
      takeSessionSlot(req);
      const b = await readJson(req, offlineSchema);
      if (!h.originAllowed(b.inboxId, origin))
        throw new RelayError(RELAY_ERR.FORBIDDEN, 'This site may not embed this chat.');
      return json(res, 201, h.leaveOfflineMessage(b), cors);
    }
    if (path === '/v1/widget/attachments' && req.method === 'POST') return visitorUpload(req, res, cors);
    if (path === AGENT_UPLOAD && req.method === 'POST') return agentUpload(req, res, query);
    const m = ATTACHMENT_PATH.exec(path);
    if (m && (req.method === 'GET' || req.method === 'HEAD')) return serveAttachment(req, res, m, cors);
    if (path.startsWith(WIDGET_PREFIX) || m || path === AGENT_UPLOAD)
      throw methodNotAllowed(
        `${req.method ?? ''} is not allowed on ${path}.`,
        m ? ['GET', 'HEAD'] : methodsOf(path),
      );
    return false;
  }

  /** Serves `/widget.js`, `/v1/widget/*` (sessions, config, offline form, files) and agents' `/v1/attachments/:id`. */
  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const { path } = targetOf(req);
    if (path === '/widget.js') {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        sendError(res, methodNotAllowed(`${req.method} is not allowed on ${path}.`, ['GET', 'HEAD']), h.log);
        return true;
      }
      if (WIDGET_SCRIPT === null) {
        const message =
          'This relay was built without the web chat widget: build it with node scripts/build.mjs.';
        sendError(res, new RelayError(RELAY_ERR.NOT_FOUND, message), h.log);
        return true;
      }
      res
        .writeHead(200, {
          'content-type': 'text/javascript; charset=utf-8',
          'cache-control': 'public, max-age=300',
          'cross-origin-resource-policy': 'cross-origin',
          'x-content-type-options': 'nosniff',
        })
        .end(req.method === 'HEAD' ? undefined : WIDGET_SCRIPT);
      return true;
    }
    if (!path.startsWith(WIDGET_PREFIX) && !ATTACHMENT_PATH.test(path) && path !== AGENT_UPLOAD) return false;
    const origin = req.headers.origin;
    // Agents' downloads come from the app's main process, never from a page: no CORS for them.
    const cors: Record<string, string> =
      origin && path.startsWith(WIDGET_PREFIX)
        ? { 'access-control-allow-origin': origin, vary: 'Origin' }
        : {};
    if (req.method === 'OPTIONS') {
      res
        .writeHead(204, {
          ...cors,
          'access-control-allow-methods': 'GET, POST',
          'access-control-allow-headers': 'content-type, authorization, x-file-name',
          'access-control-max-age': '600',
        })
        .end();
      return true;
    }
    try {
      return await route(req, res, path, cors);
    } catch (err) {
      if (err instanceof RelayError) {
        // An upload refused before its body was read: close, so the rest is not read for nothing.
        if (err.code === RELAY_ERR.TOO_LARGE) res.setHeader('connection', 'close');
        const reason = err instanceof AttachmentRefused ? { reason: err.reason } : {};
        const allow = err.allow ? { allow: err.allow.join(', ') } : {};
        return json(
          res,
          err.httpStatus,
          { error: { code: err.code, message: err.message, ...reason } },
          { ...cors, ...allow },
        );
      }
      throw err;
    }
  };
}
