import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { RELAY_ERR } from '../../../shared/sync/protocol';
import type { Auth, Principal } from '../../identity/auth';
import type { IdentityReads, InboxRow } from '../../data/identityData';
import type { Directory } from '../../identity/directory';
import { methodNotAllowed, RelayError } from '../../core/errors';
import { AUDIT, clientIp, type Audit } from '../../identity/audit';
import { readJson, sendError, sendJson } from '../../http/reply';
import type { Logger } from '../../core/logger';
import { decodeParam, targetOf } from '../../http/requestTarget';
import type { WebchatSettings } from './settings';

const PATH = /^\/v1\/admin\/inboxes\/([^/]+)\/webchat$/;

/** An exact web origin as browsers send it in `Origin`: scheme, host and port, nothing else. */
const originSchema = z
  .string()
  .max(200, 'an origin is at most 200 characters')
  .superRefine((s, ctx) => {
    let u: URL | null = null;
    try {
      u = new URL(s);
    } catch {
      // reported below
    }
    if (!u || (u.protocol !== 'https:' && u.protocol !== 'http:'))
      ctx.addIssue({
        code: 'custom',
        message: `"${s}" is not a web origin; write it as https://host (or http://host:port)`,
      });
    else if (u.origin !== s)
      ctx.addIssue({
        code: 'custom',
        message: `"${s}" is not an exact origin; write "${u.origin}" (scheme, host and port; no path, no trailing slash)`,
      });
  });

const patchSchema = z
  .object({
    allowedOrigins: z.array(originSchema).max(100, 'at most 100 origins').optional(),
    identitySecret: z
      .string()
      .min(16, 'the identity secret must be at least 16 characters (or null to clear it)')
      .max(200, 'the identity secret must be at most 200 characters')
      .nullable()
      .optional(),
    offlineReplyHours: z
      .number()
      .int('offlineReplyHours must be a whole number of hours')
      .min(1, 'offlineReplyHours must be at least 1')
      .max(24 * 14, 'offlineReplyHours must be at most 336 (two weeks)')
      .optional(),
  })
  .strict()
  .refine((p) => Object.values(p).some((v) => v !== undefined), {
    message: 'give at least one of allowedOrigins, identitySecret, offlineReplyHours',
  });

type Deps = {
  audit: Audit;
  settings: WebchatSettings;
  auth: Auth;
  /** Where inboxes are read (the identity repository). */
  identity: Pick<IdentityReads, 'inbox'>;
  directory: Pick<Directory, 'oversees'>;
  log: Logger;
  onChanged: (inboxId: string) => void;
};

/**
 * `GET|PUT|DELETE /v1/admin/inboxes/:id/webchat`: an inbox's web chat settings at runtime. Admins
 * read and change them; supervisors of the inbox's team may read them (the secret is never
 * answered, only whether one is set) but not change them, since the origin allow-list and the
 * identity secret decide who may chat as which customer. DELETE forgets the API's settings, so the
 * settings file applies again. `onChanged(inboxId)` runs after a change (open chats are rechecked).
 */
export function createWebchatSettingsHttp(d: Deps) {
  async function inboxOf(raw: string): Promise<InboxRow> {
    const id = decodeParam(raw);
    const inbox = await d.identity.inbox(id);
    if (!inbox) throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no inbox ${id}.`);
    return inbox;
  }

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const { path } = targetOf(req);
    const m = PATH.exec(path);
    if (!m) return false;
    try {
      const p = await d.auth.authenticateRequest(req);
      if (p.role === 'agent')
        throw new RelayError(
          RELAY_ERR.FORBIDDEN,
          "Only admins (and supervisors of the inbox's team, read-only) may see web chat settings.",
        );
      const inbox = await inboxOf(m[1]!);
      if (req.method === 'GET') {
        if (!(await d.directory.oversees(p, inbox.team_id)))
          throw new RelayError(
            RELAY_ERR.FORBIDDEN,
            "Only admins and supervisors of this inbox's team may see its web chat settings.",
          );
        sendJson(res, 200, await d.settings.view(inbox.id));
      } else if (req.method === 'PUT' || req.method === 'DELETE') {
        if (p.role !== 'admin')
          throw new RelayError(
            RELAY_ERR.FORBIDDEN,
            'Only admins may change web chat settings; ask an admin.',
          );
        const view = req.method === 'PUT' ? await update(d, req, inbox, p) : await reset(d, req, inbox, p);
        d.onChanged(inbox.id);
        sendJson(res, 200, view);
      } else throw methodNotAllowed(`${req.method} is not allowed on ${path}.`, ['GET', 'PUT', 'DELETE']);
    } catch (err) {
      sendError(res, err, d.log);
    }
    return true;
  };
}

/** PUT: the fields the body gives change (a chat inbox only); logged and audited by name, never by value. */
async function update(d: Deps, req: IncomingMessage, inbox: InboxRow, p: Principal) {
  const patch = await readJson(req, 16 * 1024, patchSchema);
  if (inbox.channel !== 'chat')
    throw new RelayError(
      RELAY_ERR.VALIDATION,
      `Inbox ${inbox.id} is a ${inbox.channel} inbox; web chat settings apply to chat inboxes only.`,
    );
  const view = await d.settings.update(inbox.id, patch, p.agentId);
  // Which fields changed, never their values: the secret stays out of the log.
  d.log.info({ inbox: inbox.id, by: p.agentId, fields: Object.keys(patch) }, 'web chat settings changed');
  await d.audit.record({
    actorId: p.agentId,
    action: AUDIT.WEBCHAT_SETTINGS_CHANGED,
    target: inbox.id,
    detail: { fields: Object.keys(patch) },
    ip: clientIp(req),
  });
  return view;
}

/** DELETE: the API's settings are forgotten, so the settings file applies again (audited). */
async function reset(d: Deps, req: IncomingMessage, inbox: InboxRow, p: Principal) {
  const view = await d.settings.reset(inbox.id);
  d.log.info({ inbox: inbox.id, by: p.agentId }, 'web chat settings reset to the file');
  await d.audit.record({
    actorId: p.agentId,
    action: AUDIT.WEBCHAT_SETTINGS_RESET,
    target: inbox.id,
    ip: clientIp(req),
  });
  return view;
}
