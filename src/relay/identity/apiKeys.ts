import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { RELAY_ERR } from '../../shared/sync/protocol';
import type { Auth } from './auth';
import type { Database } from '../data/db';
import { RelayError } from '../core/errors';
import { readJson, sendError, sendJson } from '../http/reply';
import { AUDIT, clientIp, type Audit } from './audit';
import type { Logger } from '../core/logger';
import { decodeParam, targetOf } from '../http/requestTarget';

/** `sbk_<16 hex id>_<43 base64url secret>`: the id finds the row, the secret proves the caller. */
const KEY_RE = /^sbk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');

type Row = {
  id: string;
  inbox_id: string;
  name: string;
  secret_hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
};
export type ApiKeyView = {
  id: string;
  inboxId: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const view = (r: Row): ApiKeyView => ({
  id: r.id,
  inboxId: r.inbox_id,
  name: r.name,
  createdAt: new Date(r.created_at).toISOString(),
  lastUsedAt: iso(r.last_used_at),
  revokedAt: iso(r.revoked_at),
});

/**
 * API keys for the API channel, one inbox each: a system that hands conversations to the contact
 * center gets a key that can post into its inbox and nothing else (least privilege), instead of an
 * admin account. The secret is shown once; the relay keeps its SHA-256 (a 256-bit random secret
 * needs no slow hash). Admins create, list and revoke keys.
 */
export function createApiKeys(d: { db: Database; auth: Auth; audit: Audit; log: Logger; now: () => number }) {
  const q = {
    insert: d.db.prepare(
      'INSERT INTO api_keys (id, inbox_id, name, secret_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    get: d.db.prepare<[string], Row>('SELECT * FROM api_keys WHERE id = ?'),
    ofInbox: d.db.prepare<[string], Row>('SELECT * FROM api_keys WHERE inbox_id = ? ORDER BY created_at, id'),
    used: d.db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?'),
    revoke: d.db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    inbox: d.db.prepare<[string], { id: string }>('SELECT id FROM inboxes WHERE id = ?'),
  };

  function admin(req: IncomingMessage) {
    const p = d.auth.authenticateRequest(req);
    if (p.role !== 'admin') throw new RelayError(RELAY_ERR.FORBIDDEN, 'Only admins may manage API keys.');
    return p;
  }

  const api = {
    create(inboxId: string, name: string, actorId: string | null): ApiKeyView & { key: string } {
      if (!q.inbox.get(inboxId)) throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no inbox ${inboxId}.`);
      const id = randomBytes(8).toString('hex');
      const secret = randomBytes(32).toString('base64url');
      q.insert.run(id, inboxId, name, hash(secret), d.now(), actorId);
      return { ...view(q.get.get(id)!), key: `sbk_${id}_${secret}` };
    },
    list: (inboxId: string): ApiKeyView[] => q.ofInbox.all(inboxId).map(view),
    revoke(id: string): ApiKeyView {
      const r = q.get.get(id);
      if (!r) throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no API key ${id}.`);
      q.revoke.run(d.now(), id);
      return view(q.get.get(id)!);
    },
    /** Whether a bearer token looks like an API key (else it is an account's access token). */
    isKey: (token: string) => token.startsWith('sbk_'),
    /** The inbox a valid, unrevoked key may post into; one answer for every kind of bad key. */
    verify(token: string): { keyId: string; inboxId: string } {
      const m = KEY_RE.exec(token);
      const r = m ? q.get.get(m[1]!) : undefined;
      const ok =
        !!m &&
        !!r &&
        r.revoked_at === null &&
        timingSafeEqual(Buffer.from(hash(m[2]!), 'hex'), Buffer.from(r.secret_hash, 'hex'));
      if (!ok)
        throw new RelayError(RELAY_ERR.UNAUTHORIZED, 'This API key is not valid (revoked, or mistyped).');
      q.used.run(d.now(), r.id);
      return { keyId: r.id, inboxId: r.inbox_id };
    },
  };

  const nameSchema = z.object({ name: z.string().trim().min(1).max(100) }).strict();

  /** `POST|GET /v1/admin/inboxes/:id/api-keys`, `DELETE /v1/admin/api-keys/:id`. */
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const { path } = targetOf(req);
    const ofInbox = /^\/v1\/admin\/inboxes\/([^/]+)\/api-keys$/.exec(path);
    const one = /^\/v1\/admin\/api-keys\/([^/]+)$/.exec(path);
    if (!ofInbox && !one) return false;
    try {
      const p = admin(req);
      if (ofInbox && req.method === 'POST') {
        const { name } = await readJson(req, 4096, nameSchema);
        const created = api.create(decodeParam(ofInbox[1]!), name, p.agentId);
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
        sendJson(res, 200, { keys: api.list(decodeParam(ofInbox[1]!)) });
      } else if (one && req.method === 'DELETE') {
        const revoked = api.revoke(decodeParam(one[1]!));
        d.log.info({ key: revoked.id, by: p.agentId }, 'api key revoked');
        d.audit.record({
          actorId: p.agentId,
          action: AUDIT.API_KEY_REVOKED,
          target: revoked.id,
          detail: { inbox: revoked.inboxId },
          ip: clientIp(req),
        });
        sendJson(res, 200, revoked);
      } else throw new RelayError(RELAY_ERR.NOT_FOUND, `${req.method} is not allowed on ${path}.`, 405);
    } catch (err) {
      sendError(res, err, d.log);
    }
    return true;
  }

  return { ...api, handle };
}
export type ApiKeys = ReturnType<typeof createApiKeys>;
