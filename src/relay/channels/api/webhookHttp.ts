import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RELAY_ROUTES, routeRegex } from '../../../shared/relayRoutes';
import { webhookBodySchema } from '../../../shared/webhook';
import type { HlcClock } from '../../../shared/sync/hlc';
import { uuidv7 } from '../../../shared/sync/ids';
import { RELAY_ERR } from '../../../shared/sync/protocol';
import { methodNotAllowed, RelayError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { AsyncStore } from '../../data/asyncStore';
import { writeFieldsAsync } from '../../data/records';
import { readJson, sendError, sendJson } from '../../http/reply';
import { decodeParam, targetOf } from '../../http/requestTarget';
import { AUDIT, clientIp, type Audit } from '../../identity/audit';
import type { Auth } from '../../identity/auth';
import type { Directory } from '../../identity/directory';
import { postWebhook } from './deliver';
import type { WebhookSettings } from './webhookSettings';

const PATH = routeRegex(RELAY_ROUTES.inboxWebhook);

export type WebhookHttpDeps = {
  settings: WebhookSettings;
  store: Pick<AsyncStore, 'get' | 'head' | 'transaction'>;
  auth: Auth;
  directory: Pick<Directory, 'oversees'>;
  audit: Audit;
  relayClock: HlcClock;
  log: Logger;
  now: () => number;
  testTimeoutMs?: number;
  /** See WebhookOutboxOptions.allowPrivateNetworks. */
  allowPrivateNetworks?: boolean;
};
type Deps = WebhookHttpDeps;

/** The inbox, if the caller oversees it; a stranger to the team learns nothing about which exist. */
async function inboxFor(d: Deps, req: IncomingMessage, inboxId: string) {
  const p = await d.auth.authenticateRequest(req);
  if (p.role === 'agent')
    throw new RelayError(
      RELAY_ERR.FORBIDDEN,
      "Only admins and the inbox team's supervisors manage webhooks.",
    );
  const inbox = await d.store.get('inbox', inboxId);
  const teamId = (inbox?.data['teamId'] as string | undefined) ?? null;
  if (!inbox || inbox.deleted || !(await d.directory.oversees(p, teamId))) {
    if (p.role === 'admin') throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no inbox ${inboxId}.`);
    throw new RelayError(RELAY_ERR.FORBIDDEN, 'Only admins and the supervisors of this team may do this.');
  }
  return { p, inbox };
}

/** The synced flag apps read (shared/replyRoute.ts): whether replies in this inbox can go out. */
async function flag(d: Deps, inboxId: string, on: boolean, agentId: string): Promise<void> {
  const at = new Date(d.now()).toISOString();
  await d.store.transaction((tx) =>
    writeFieldsAsync(
      tx,
      { entity: 'inbox', id: inboxId, fields: { webhook: on }, clock: d.relayClock.now(), convId: null, at },
      { mutationId: null, agentId },
    ),
  );
}

/** The stored secret, or null when there is none or it cannot be opened (the key file changed). */
async function storedSecret(d: Deps, inboxId: string): Promise<string | null> {
  try {
    return (await d.settings.get(inboxId))?.secret ?? null;
  } catch (err) {
    // The key file changed: the old secret is lost, so a new one must be given or made.
    d.log.warn({ err, inbox: inboxId }, 'webhook secret cannot be opened; a new one replaces it');
    return null;
  }
}

/** POSTs a signed `webhook.test` event to the URL: what it answered. */
function testWebhook(d: Deps, url: string, secret: string, inboxId: string) {
  const testId = `test-${uuidv7(d.now())}`;
  return postWebhook({
    url,
    secret,
    body: JSON.stringify({ type: 'webhook.test', id: testId, inboxId, at: new Date(d.now()).toISOString() }),
    idempotencyKey: testId,
    nowMs: d.now(),
    allowPrivateNetworks: d.allowPrivateNetworks === true,
    ...(d.testTimeoutMs ? { timeoutMs: d.testTimeoutMs } : {}),
  });
}

/** Sets an inbox's webhook once its URL answered the test; the secret made is answered once. */
async function put(d: Deps, req: IncomingMessage, res: ServerResponse, inboxId: string): Promise<void> {
  const { p, inbox } = await inboxFor(d, req, inboxId);
  const b = await readJson(req, 16 * 1024, webhookBodySchema);
  // Only http(s), no credentials in the URL (they would be logged and shown to every admin).
  const target = new URL(b.url);
  if (target.username || target.password)
    throw new RelayError(
      RELAY_ERR.VALIDATION,
      'Leave user name and password out of the webhook URL; the signature authenticates the relay.',
    );
  if (inbox.data['channel'] !== 'api')
    throw new RelayError(
      RELAY_ERR.VALIDATION,
      `Inbox ${inboxId} is a ${String(inbox.data['channel'])} inbox; webhooks belong to API inboxes.`,
    );
  const before = await storedSecret(d, inboxId);
  const made = b.secret === undefined && before === null;
  const secret = b.secret ?? before ?? randomBytes(32).toString('hex');
  const test = await testWebhook(d, b.url, secret, inboxId);
  if (test.outcome !== 'delivered') {
    d.log.info({ inbox: inboxId, reason: test.reason }, 'webhook refused by its test');
    return sendJson(res, 422, {
      error: { code: RELAY_ERR.VALIDATION, message: `${test.reason} Nothing was saved.` },
    });
  }
  await d.settings.save({ inboxId, url: b.url, secret }, p.agentId, await d.store.head());
  await flag(d, inboxId, true, p.agentId);
  d.audit.record({
    actorId: p.agentId,
    action: AUDIT.WEBHOOK_CHANGED,
    target: inboxId,
    detail: { url: b.url, secret: b.secret !== undefined ? 'given' : made ? 'made' : 'kept' },
    ip: clientIp(req),
  });
  sendJson(res, 200, { ...(await d.settings.view(inboxId)), ...(made ? { secret } : {}) });
}

async function get(d: Deps, req: IncomingMessage, res: ServerResponse, inboxId: string): Promise<void> {
  await inboxFor(d, req, inboxId);
  const view = await d.settings.view(inboxId);
  if (!view)
    throw new RelayError(RELAY_ERR.NOT_FOUND, `Inbox ${inboxId} has no webhook yet; set one with PUT.`);
  sendJson(res, 200, view);
}

async function remove(d: Deps, req: IncomingMessage, res: ServerResponse, inboxId: string): Promise<void> {
  const { p } = await inboxFor(d, req, inboxId);
  const removed = await d.settings.remove(inboxId);
  await flag(d, inboxId, false, p.agentId);
  d.audit.record({ actorId: p.agentId, action: AUDIT.WEBHOOK_REMOVED, target: inboxId, ip: clientIp(req) });
  sendJson(res, 200, { inboxId, removed });
}

/**
 * `GET|PUT|DELETE /v1/admin/inboxes/:id/webhook`: where an API inbox's replies go. Admins and the
 * inbox team's supervisors. PUT first POSTs a signed `webhook.test` event to the URL and saves
 * only when it answers 2xx, else 422 with what it answered; without a `secret` the stored one is
 * kept or a new one made (answered once). The synced inbox record carries `webhook: true|false`
 * (never the URL or secret), so apps tell before queueing whether a reply can go out. Audited.
 * `[testTimeoutMs=10 s]` is how long the test waits for an answer.
 */
export function createWebhookHttp(d: Deps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const m = PATH.exec(targetOf(req).path);
    if (!m) return false;
    try {
      const inboxId = decodeParam(m[1]!);
      if (req.method === 'PUT') await put(d, req, res, inboxId);
      else if (req.method === 'GET') await get(d, req, res, inboxId);
      else if (req.method === 'DELETE') await remove(d, req, res, inboxId);
      else
        throw methodNotAllowed(`${req.method ?? 'This method'} is not allowed here.`, [
          'GET',
          'PUT',
          'DELETE',
        ]);
    } catch (err) {
      sendError(res, err, d.log);
    }
    return true;
  };
}
