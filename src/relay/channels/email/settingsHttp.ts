import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { RELAY_ERR } from '../../../shared/sync/protocol';
import { AUDIT, clientIp, type Audit } from '../../identity/audit';
import type { Auth, Principal } from '../../identity/auth';
import type { Directory } from '../../identity/directory';
import type { IdentityReads, InboxRow } from '../../data/identityData';
import { methodNotAllowed, RelayError } from '../../core/errors';
import { readJson, sendError, sendJson } from '../../http/reply';
import type { Logger } from '../../core/logger';
import { decodeParam, targetOf } from '../../http/requestTarget';
import { MailAccountError, testAccount, type MailConnectOptions } from './connect';
import { TLS_MODES, type EmailAccount, type EmailSettings } from './settings';

const PATH = /^\/v1\/admin\/inboxes\/([^/]+)\/email$/;

const host = z
  .string()
  .min(1, 'a host name is required')
  .max(253)
  .regex(/^[A-Za-z0-9.:[\]-]+$/, 'a host name or IP address, nothing else');
const port = z.number().int().min(1).max(65535);
const address = z.string().max(254).email('an email address');
const secret = z.string().min(1).max(500);

const bodySchema = z
  .object({
    address,
    fromName: z.string().max(200).optional(),
    imap: z
      .object({
        host,
        port,
        tls: z.enum(TLS_MODES),
        user: z.string().min(1).max(320),
        password: secret.optional(),
        folder: z.string().min(1).max(200).optional(),
      })
      .strict(),
    smtp: z
      .object({
        host,
        port,
        tls: z.enum(TLS_MODES),
        user: z.string().min(1).max(320).nullable().optional(),
        password: secret.nullable().optional(),
      })
      .strict(),
    importDays: z.number().int().min(0).max(3650).optional(),
  })
  .strict();

/** Days of mail the first connection imports when the admin does not say. */
export const DEFAULT_IMPORT_DAYS = 14;

type Deps = {
  settings: EmailSettings;
  auth: Auth;
  /** Where the inbox is read. */
  identity: Pick<IdentityReads, 'inbox'>;
  directory: Pick<Directory, 'oversees'>;
  audit: Audit;
  log: Logger;
  connect?: MailConnectOptions;
  onChanged: (inboxId: string) => void;
};

/**
 * `GET|PUT|DELETE /v1/admin/inboxes/:id/email`: an email inbox's mailbox account. Admins only
 * (supervisors may read it, never a password). PUT tests the account before storing it (IMAP
 * login and folder, SMTP greeting and login) and answers 422 with what to fix ("Login refused",
 * "Certificate not trusted", "No such folder"); a password left out keeps the stored one. Every
 * change is audited (which fields, never their values). `onChanged(inboxId)` restarts its reader.
 */
export function createEmailSettingsHttp(d: Deps) {
  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const { path } = targetOf(req);
    const m = PATH.exec(path);
    if (!m) return false;
    try {
      const p = await d.auth.authenticateRequest(req);
      const id = decodeParam(m[1]!);
      if (p.role === 'agent')
        throw new RelayError(
          RELAY_ERR.FORBIDDEN,
          'Only admins (and supervisors, read-only) may see mailbox settings.',
        );
      const inbox = await d.identity.inbox(id);
      if (!inbox || !(await d.directory.oversees(p, inbox.team_id)))
        throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no inbox ${id} you oversee.`);
      if (req.method === 'GET') return await sendView(d, res, inbox);
      if (req.method !== 'PUT' && req.method !== 'DELETE')
        throw methodNotAllowed(`${req.method} is not allowed on ${path}.`, ['GET', 'PUT', 'DELETE']);
      if (p.role !== 'admin')
        throw new RelayError(RELAY_ERR.FORBIDDEN, 'Only admins may change mailbox settings; ask an admin.');
      if (req.method === 'DELETE') return await remove(d, req, res, inbox, p);
      await save(d, req, res, inbox, p);
    } catch (err) {
      sendError(res, err, d.log);
    }
    return true;
  };
}

/** GET: the mailbox's settings without its passwords. */
async function sendView(d: Deps, res: ServerResponse, inbox: InboxRow): Promise<true> {
  const view = await d.settings.view(inbox.id);
  if (!view)
    throw new RelayError(
      RELAY_ERR.NOT_FOUND,
      `Inbox ${inbox.id} has no mailbox yet; an admin sets one with PUT.`,
    );
  sendJson(res, 200, view);
  return true;
}

/** DELETE: the inbox has no mailbox any more (audited; its reader stops). */
async function remove(
  d: Deps,
  req: IncomingMessage,
  res: ServerResponse,
  inbox: InboxRow,
  p: Principal,
): Promise<true> {
  await d.settings.remove(inbox.id);
  d.audit.record({
    actorId: p.agentId,
    action: AUDIT.EMAIL_SETTINGS_REMOVED,
    target: inbox.id,
    ip: clientIp(req),
  });
  d.onChanged(inbox.id);
  sendJson(res, 200, { inboxId: inbox.id, removed: true });
  return true;
}

/** PUT: the account, tested before it is stored (422 with what to fix), then audited. */
async function save(d: Deps, req: IncomingMessage, res: ServerResponse, inbox: InboxRow, p: Principal) {
  const b = await readJson(req, 16 * 1024, bodySchema);
  if (inbox.channel !== 'email')
    throw new RelayError(
      RELAY_ERR.VALIDATION,
      `Inbox ${inbox.id} is a ${inbox.channel} inbox; mailboxes belong to email inboxes.`,
    );
  const account = accountOf(b, inbox, await d.settings.get(inbox.id));
  try {
    await testAccount(account, d.connect);
  } catch (err) {
    if (!(err instanceof MailAccountError)) throw err;
    d.log.info({ inbox: inbox.id, problem: err.problem }, 'mailbox settings refused by their test');
    sendJson(res, 422, {
      error: { code: RELAY_ERR.VALIDATION, message: err.message, problem: err.problem },
    });
    return;
  }
  await d.settings.save(account, p.agentId);
  const fields = Object.keys(b).concat(
    b.imap.password ? ['imap.password'] : [],
    b.smtp.password !== undefined ? ['smtp.password'] : [],
  );
  d.audit.record({
    actorId: p.agentId,
    action: AUDIT.EMAIL_SETTINGS_CHANGED,
    target: inbox.id,
    detail: {
      fields,
      imapHost: account.imap.host,
      smtpHost: account.smtp.host,
      address: account.address,
    },
    ip: clientIp(req),
  });
  d.onChanged(inbox.id);
  sendJson(res, 200, await d.settings.view(inbox.id));
}

/** The account a PUT body makes: what it leaves out (passwords, names, days) kept from `before`. */
function accountOf(
  b: z.infer<typeof bodySchema>,
  inbox: InboxRow,
  before: EmailAccount | null,
): EmailAccount {
  const imapPassword = b.imap.password ?? before?.imap.password;
  if (!imapPassword) throw new RelayError(RELAY_ERR.VALIDATION, 'imap.password: required the first time.');
  const smtpUser = b.smtp.user === undefined ? (before?.smtp.user ?? null) : b.smtp.user;
  const smtpPassword = b.smtp.password === undefined ? (before?.smtp.password ?? null) : b.smtp.password;
  const account: EmailAccount = {
    inboxId: inbox.id,
    address: b.address.toLowerCase(),
    fromName: b.fromName ?? before?.fromName ?? inbox.name,
    imap: {
      host: b.imap.host,
      port: b.imap.port,
      tls: b.imap.tls,
      user: b.imap.user,
      password: imapPassword,
      folder: b.imap.folder ?? 'INBOX',
    },
    smtp: {
      host: b.smtp.host,
      port: b.smtp.port,
      tls: b.smtp.tls,
      user: smtpUser,
      password: smtpPassword,
    },
    importDays: b.importDays ?? before?.importDays ?? DEFAULT_IMPORT_DAYS,
  };
  return account;
}
