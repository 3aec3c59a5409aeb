import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { RELAY_ERR } from '../../shared/sync/protocol';
import type { Auth } from './auth';
import type { ApiKeyRow, IdentityData } from '../data/identityData';
import { methodNotAllowed, RelayError } from '../core/errors';
import { readJson, sendError, sendJson } from '../http/reply';
import { AUDIT, clientIp, type Audit } from './audit';
import type { Logger } from '../core/logger';
import { decodeParam, targetOf } from '../http/requestTarget';

/** `sbk_<16 hex id>_<43 base64url secret>`: the id finds the row, the secret proves the caller. */
const KEY_RE = /^sbk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');

export type ApiKeyView = {
  id: string;
  inboxId: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const view = (r: ApiKeyRow): ApiKeyView => ({
  id: r.id,
  inboxId: r.inbox_id,
  name: r.name,
  createdAt: new Date(r.created_at).toISOString(),
  lastUsedAt: iso(r.last_used_at),
  revokedAt: iso(r.revoked_at),
});

type Deps = { identity: IdentityData; auth: Auth; audit: Audit; log: Logger; now: () => number };

const nameSchema = z.object({ name: z.string().trim().min(1).max(100) }).strict();

async function admin(d: Deps, req: IncomingMessage) {
  const p = await d.auth.authenticateRequest(req);
  if (p.role !== 'admin') throw new RelayError(RELAY_ERR.FORBIDDEN, 'Only admins may manage API keys.');
  return p;
}

/** A new key for an inbox: the row keeps the secret's hash; the key itself is answered once. */
async function create(
  d: Deps,
  inboxId: string,
  name: string,
  actorId: string | null,
): Promise<ApiKeyView & { key: string }> {
  if (!(await d.identity.inbox(inboxId)))
    throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no inbox ${inboxId}.`);
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const row = {
    id,
    inbox_id: inboxId,
    name,
    secret_hash: hash(secret),
    created_at: d.now(),
    created_by: actorId,
  };
  await d.identity.insertApiKey(row);
  return { ...view({ ...row, last_used_at: null, revoked_at: null }), key: `sbk_${id}_${secret}` };
}

async function revoke(d: Deps, id: string): Promise<ApiKeyView> {
  if (!(await d.identity.apiKey(id))) throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no API key ${id}.`);
  await d.identity.revokeApiKey(id, d.now());
  return view((await d.identity.apiKey(id))!);
}

/** The inbox a valid, unrevoked key may post into; one answer for every kind of bad key. */
async function verify(d: Deps, token: string): Promise<{ keyId: string; inboxId: string }> {
  const m = KEY_RE.exec(token);
  const r = m ? await d.identity.apiKey(m[1]!) : null;
  const ok =
    !!m &&
    !!r &&
    r.revoked_at === null &&
    timingSafeEqual(Buffer.from(hash(m[2]!), 'hex'), Buffer.from(r.secret_hash, 'hex'));
  if (!ok) throw new RelayError(RELAY_ERR.UNAUTHORIZED, 'This API key is not valid (revoked, or mistyped).');
  await d.identity.markApiKeyUsed(r.id, d.now());
  return { keyId: r.id, inboxId: r.inbox_id };
}

/** `POST|GET /v1/admin/inboxes/:id/api-keys`, `DELETE /v1/admin/api-keys/:id`. */
async function handle(d: Deps, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const { path } = targetOf(req);
  const ofInbox = /^\/v1\/admin\/inboxes\/([^/]+)\/api-keys$/.exec(path);
  const one = /^\/v1\/admin\/api-keys\/([^/]+)$/.exec(path);
  if (!ofInbox && !one) return false;
  try {
    const p = await admin(d, req);
    if (ofInbox && req.method === 'POST') {
      const { name } = await readJson(req, 4096, nameSchema);
      const created = await create(d, decodeParam(ofInbox[1]!), name, p.agentId);
      d.log.info({ key: created.id, inbox: created.inboxId, by: p.agentId }, 'api key created');
      d.audit.record({
        actorId: p.agentId,
        action: AUDIT.API_KEY_CREATED,
        target: created.id,
        detail: { inbox: created.inboxId, name: created.name },
        ip: clientIp(req),
      });
      sendJson(res, 201, created);
    } else if (ofInbox && req.method === 'GET') {
      sendJson(res, 200, { keys: (await d.identity.apiKeysOf(decodeParam(ofInbox[1]!))).map(view) });
    } else if (one && req.method === 'DELETE') {
      const revoked = await revoke(d, decodeParam(one[1]!));
      d.log.info({ key: revoked.id, by: p.agentId }, 'api key revoked');
      d.audit.record({
        actorId: p.agentId,
        action: AUDIT.API_KEY_REVOKED,
        target: revoked.id,
        detail: { inbox: revoked.inboxId },
        ip: clientIp(req),
      });
      sendJson(res, 200, revoked);
    } else
      throw methodNotAllowed(
        `${req.method} is not allowed on ${path}.`,
        ofInbox ? ['GET', 'POST'] : ['DELETE'],
      );
  } catch (err) {
    sendError(res, err, d.log);
  }
  return true;
}

/**
 * API keys for the API channel, one inbox each: a system that hands conversations to the contact
 * center gets a key that can post into its inbox and nothing else (least privilege), instead of an
 * admin account. The secret is shown once; the relay keeps its SHA-256 (a 256-bit random secret
 * needs no slow hash). Admins create, list and revoke keys.
 */
export function createApiKeys(d: Deps) {
  return {
    create: (inboxId: string, name: string, actorId: string | null): Promise<ApiKeyView & { key: string }> =>
      create(d, inboxId, name, actorId),
    list: async (inboxId: string): Promise<ApiKeyView[]> => (await d.identity.apiKeysOf(inboxId)).map(view),
    revoke: (id: string): Promise<ApiKeyView> => revoke(d, id),
    /** Whether a bearer token looks like an API key (else it is an account's access token). */
    isKey: (token: string) => token.startsWith('sbk_'),
    /** The inbox a valid, unrevoked key may post into; one answer for every kind of bad key. */
    verify: (token: string): Promise<{ keyId: string; inboxId: string }> => verify(d, token),
    handle: (req: IncomingMessage, res: ServerResponse): Promise<boolean> => handle(d, req, res),
  };
}
export type ApiKeys = ReturnType<typeof createApiKeys>;
