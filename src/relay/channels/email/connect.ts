import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import type { EmailAccount } from './settings';

/** Limits of a mail server connection; every one has a default. */
export type MailConnectOptions = {
  /** TCP + TLS connect, and the server's greeting. Default 10 s. */
  connectTimeoutMs?: number;
  /** A socket with no traffic (IDLE refreshes well within). Default 5 min. */
  socketTimeoutMs?: number;
};

const CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Why a mailbox account does not work, as an admin can act on it. */
export type MailProblem =
  | 'login-refused'
  | 'certificate-untrusted'
  | 'no-such-folder'
  | 'unreachable'
  | 'smtp-login-refused'
  | 'smtp-certificate-untrusted'
  | 'smtp-unreachable';

export class MailAccountError extends Error {
  constructor(
    readonly problem: MailProblem,
    message: string,
  ) {
    super(message);
    this.name = 'MailAccountError';
  }
}

function causeCode(err: unknown): string {
  let e: unknown = err;
  for (let i = 0; i < 4 && e && typeof e === 'object'; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && CERT_CODES.has(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : '';
}

/** An IMAP client for the account (not yet connected); logging off, since it would log passwords. */
export function imapClient(a: EmailAccount, o: MailConnectOptions = {}): ImapFlow {
  return new ImapFlow({
    host: a.imap.host,
    port: a.imap.port,
    secure: a.imap.tls === 'tls',
    doSTARTTLS: a.imap.tls === 'starttls' ? true : a.imap.tls === 'none' ? false : undefined,
    auth: { user: a.imap.user, pass: a.imap.password },
    logger: false,
    connectionTimeout: o.connectTimeoutMs ?? 10_000,
    greetingTimeout: o.connectTimeoutMs ?? 10_000,
    socketTimeout: o.socketTimeoutMs ?? 5 * 60_000,
  });
}

/** A nodemailer SMTP transport for the account. */
export function smtpTransport(a: EmailAccount, o: MailConnectOptions = {}) {
  return nodemailer.createTransport({
    host: a.smtp.host,
    port: a.smtp.port,
    secure: a.smtp.tls === 'tls',
    requireTLS: a.smtp.tls === 'starttls',
    ignoreTLS: a.smtp.tls === 'none',
    ...(a.smtp.user ? { auth: { user: a.smtp.user, pass: a.smtp.password ?? '' } } : {}),
    connectionTimeout: o.connectTimeoutMs ?? 10_000,
    greetingTimeout: o.connectTimeoutMs ?? 10_000,
    socketTimeout: o.socketTimeoutMs ?? 5 * 60_000,
    logger: false,
  });
}

/** Turns an IMAP failure into the sentence an admin needs. */
export function imapProblem(a: EmailAccount, err: unknown): MailAccountError {
  if (err instanceof MailAccountError) return err;
  const code = causeCode(err);
  const where = `${a.imap.host}:${a.imap.port}`;
  if (CERT_CODES.has(code))
    return new MailAccountError(
      'certificate-untrusted',
      `Certificate not trusted: the IMAP server ${where} presented a certificate this relay does not trust (${code}). Use the server's proper host name, or install its CA on the relay.`,
    );
  if ((err as { authenticationFailed?: boolean })?.authenticationFailed)
    return new MailAccountError(
      'login-refused',
      `Login refused: the IMAP server ${where} did not accept user "${a.imap.user}" with this password. Check both (some providers need an app password).`,
    );
  return new MailAccountError(
    'unreachable',
    `The IMAP server ${where} could not be reached (${code || (err as Error)?.message || 'no answer'}). Check the host, port and TLS mode.`,
  );
}

function smtpProblem(a: EmailAccount, err: unknown): MailAccountError {
  const code = causeCode(err);
  const where = `${a.smtp.host}:${a.smtp.port}`;
  if (CERT_CODES.has(code))
    return new MailAccountError(
      'smtp-certificate-untrusted',
      `Certificate not trusted: the SMTP server ${where} presented a certificate this relay does not trust (${code}).`,
    );
  if (code === 'EAUTH')
    return new MailAccountError(
      'smtp-login-refused',
      `Login refused: the SMTP server ${where} did not accept user "${a.smtp.user ?? ''}" with this password.`,
    );
  return new MailAccountError(
    'smtp-unreachable',
    `The SMTP server ${where} could not be reached (${code || (err as Error)?.message || 'no answer'}). Check the host, port and TLS mode.`,
  );
}

/**
 * Signs in to IMAP, opens the folder, and checks the SMTP server (greeting, TLS, login): resolves
 * when the account works, rejects with a MailAccountError saying what to fix otherwise.
 */
export async function testAccount(a: EmailAccount, o: MailConnectOptions = {}): Promise<void> {
  const c = imapClient(a, o);
  c.on('error', () => undefined); // reported by the failing call below
  try {
    await c.connect();
    const boxes = await c.list();
    if (
      !boxes.some(
        (b) =>
          b.path === a.imap.folder || (a.imap.folder.toUpperCase() === 'INBOX' && b.specialUse === '\\Inbox'),
      )
    )
      throw new MailAccountError(
        'no-such-folder',
        `No such folder: the mailbox has no folder "${a.imap.folder}" (it has ${boxes
          .map((b) => `"${b.path}"`)
          .slice(0, 10)
          .join(', ')}).`,
      );
  } catch (err) {
    throw imapProblem(a, err);
  } finally {
    await c.logout().catch(() => c.close());
  }
  const t = smtpTransport(a, o);
  try {
    await t.verify();
  } catch (err) {
    throw smtpProblem(a, err);
  } finally {
    t.close();
  }
}
