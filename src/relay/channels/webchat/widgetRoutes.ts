import type { IncomingMessage, ServerResponse } from 'node:http';
import { RELAY_ERR } from '../../../shared/sync/protocol';
import { methodNotAllowed, RelayError } from '../../core/errors';
import { canSee } from '../../data/visibility';
import { targetOf } from '../../http/requestTarget';
import { RELAY_ROUTES } from '../../../shared/relayRoutes';
import {
  agentMayRead,
  fileNameOf,
  json,
  offlineSchema,
  readJson,
  scopeOf,
  sessionSchema,
  takeFrom,
  takeSessionSlot,
  visitorMayRead,
  visitorOf,
  type WidgetCtx,
} from './widgetContext';

// The web chat's routes under /v1/widget/ and the agents' file routes, each a function of its own.

export const WIDGET_PREFIX = '/v1/widget/';
export const ATTACHMENT_PATH = /^\/v1\/(widget\/)?attachments\/([^/]+)$/;
export const AGENT_UPLOAD = RELAY_ROUTES.uploadAttachment.pattern;

type Cors = Record<string, string>;

/** The methods each widget route takes (a 405 names them); none for a path that is no route. */
function methodsOf(path: string): string[] {
  if (path === '/v1/widget/config') return ['GET'];
  if (['/v1/widget/sessions', '/v1/widget/offline', '/v1/widget/attachments', AGENT_UPLOAD].includes(path))
    return ['POST'];
  return [];
}

const noSuchFile = () =>
  new RelayError(RELAY_ERR.NOT_FOUND, 'There is no such file, or it is not yours to see.');

/** A visitor's upload, rate-limited per customer; it waits for their next message to carry it. */
async function visitorUpload(c: WidgetCtx, req: IncomingMessage, res: ServerResponse, cors: Cors) {
  const claims = await visitorOf(c, req);
  if (!takeFrom(c, c.uploadBuckets, claims.cust, c.uploadRateLimit))
    throw new RelayError(RELAY_ERR.RATE_LIMITED, 'Too many files at once; try again soon.');
  const attachment = await c.files.upload(
    req,
    { customerId: claims.cust, inboxId: claims.inbox },
    fileNameOf(req),
  );
  return json(res, 201, { attachment }, cors);
}

/** An agent sends a file to the web chat visitor: it goes out at once as the agent's message. */
async function agentUpload(c: WidgetCtx, req: IncomingMessage, res: ServerResponse, query: URLSearchParams) {
  const viewer = await c.authorizeAgent(req);
  const conversationId = query.get('conversationId') ?? '';
  const conv = await c.store.get('conversation', conversationId);
  if (!conv || conv.deleted || !canSee(viewer, conv.id, scopeOf(conv.data)))
    throw new RelayError(RELAY_ERR.FORBIDDEN, 'This conversation is not yours to write in.');
  // A web chat's visitor gets it at once; on an email conversation it goes with the mail outbox.
  const channel = conv.data['channel'];
  if ((channel !== 'chat' && channel !== 'email') || typeof conv.data['inboxId'] !== 'string')
    throw new RelayError(RELAY_ERR.VALIDATION, 'Files can only be sent in web chats and emails.');
  const owner = { customerId: String(conv.data['customerId']), inboxId: conv.data['inboxId'] };
  const attachment = await c.files.upload(req, owner, fileNameOf(req), false);
  const meta = c.files.meta(attachment.id)!;
  const messageId = await c.sendAgentFile(viewer.agentId, conv.id, meta);
  return json(res, 201, { messageId, attachment });
}

/** A file download: a visitor's (with CORS) or an agent's, each only of what they may see. */
async function serveAttachment(
  c: WidgetCtx,
  req: IncomingMessage,
  res: ServerResponse,
  m: RegExpExecArray,
  cors: Cors,
) {
  // Ids are hex: taken as they are, so a malformed escape is simply no such file.
  const meta = c.files.meta(m[2]!);
  if (m[1]) {
    const claims = await visitorOf(c, req);
    if (!meta || !(await visitorMayRead(c, claims, meta))) throw noSuchFile();
    c.files.serve(res, meta, { ...cors, 'access-control-expose-headers': 'content-disposition' });
  } else {
    const viewer = await c.authorizeAgent(req);
    if (!meta || !(await agentMayRead(c, viewer, meta))) throw noSuchFile();
    c.files.serve(res, meta);
  }
  return true;
}

/** The widget's config, a new session and the offline form; null for any other request. */
async function widgetEntry(
  c: WidgetCtx,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  cors: Cors,
) {
  const origin = req.headers.origin;
  if (path === '/v1/widget/config' && req.method === 'GET') {
    const inboxId = targetOf(req).query.get('inbox') ?? '';
    if (!(await c.inboxExists(inboxId)))
      throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no inbox ${inboxId}.`);
    if (!(await c.originAllowed(inboxId, origin)))
      throw new RelayError(RELAY_ERR.FORBIDDEN, 'This site may not embed this chat.');
    const config = {
      online: c.isStaffed(inboxId),
      offlineReplyHours: await c.offlineReplyHours(inboxId),
      maxMessageLength: c.maxMessageLength,
      attachments: c.files.options,
    };
    return json(res, 200, config, cors);
  }
  if (path === '/v1/widget/sessions' && req.method === 'POST') {
    takeSessionSlot(c, req);
    const b = await readJson(c, req, sessionSchema);
    if (!(await c.originAllowed(b.inboxId, origin)))
      throw new RelayError(RELAY_ERR.FORBIDDEN, 'This site may not embed this chat.');
    return json(res, 201, { token: await c.startSession(b) }, cors);
  }
  if (path === '/v1/widget/offline' && req.method === 'POST') {
    takeSessionSlot(c, req);
    const b = await readJson(c, req, offlineSchema);
    if (!(await c.originAllowed(b.inboxId, origin)))
      throw new RelayError(RELAY_ERR.FORBIDDEN, 'This site may not embed this chat.');
    return json(res, 201, await c.leaveOfflineMessage(b), cors);
  }
  return null;
}

/** Answers a widget or file route; a wrong method is a 405 naming the right ones; false for no route. */
export async function route(
  c: WidgetCtx,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  cors: Cors,
) {
  const entry = await widgetEntry(c, req, res, path, cors);
  if (entry !== null) return entry;
  if (path === '/v1/widget/attachments' && req.method === 'POST') return visitorUpload(c, req, res, cors);
  if (path === AGENT_UPLOAD && req.method === 'POST') return agentUpload(c, req, res, targetOf(req).query);
  const m = ATTACHMENT_PATH.exec(path);
  if (m && (req.method === 'GET' || req.method === 'HEAD')) return serveAttachment(c, req, res, m, cors);
  if (path.startsWith(WIDGET_PREFIX) || m || path === AGENT_UPLOAD)
    throw methodNotAllowed(
      `${req.method ?? ''} is not allowed on ${path}.`,
      m ? ['GET', 'HEAD'] : methodsOf(path),
    );
  return false;
}
