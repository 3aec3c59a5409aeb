import type { EmailAccountRow, EmailRepo } from '../../data/emailData';
import { createSealer } from '../../data/sealing';

export const TLS_MODES = ['tls', 'starttls', 'none'] as const;
/** `tls`: implicit TLS (993/465); `starttls`: upgrade required; `none`: plain (loopback tests only). */
export type TlsMode = (typeof TLS_MODES)[number];

/** An inbox's mailbox, passwords in clear: only inside the relay process, never answered or logged. */
export type EmailAccount = {
  inboxId: string;
  /** The inbox's own address: replies go out from it, and mail from it never opens a conversation. */
  address: string;
  /** Shown as the sender's name when the agent has none; default the inbox's name. */
  fromName: string;
  imap: { host: string; port: number; tls: TlsMode; user: string; password: string; folder: string };
  smtp: { host: string; port: number; tls: TlsMode; user: string | null; password: string | null };
  /** The first connection imports mail this many days old at most. */
  importDays: number;
};

/** What admins read back: whether passwords are set, never the passwords. */
export type EmailAccountView = Omit<EmailAccount, 'imap' | 'smtp'> & {
  imap: Omit<EmailAccount['imap'], 'password'> & { passwordSet: boolean };
  smtp: Omit<EmailAccount['smtp'], 'password'> & { passwordSet: boolean };
  updatedAt: string;
  updatedBy: string | null;
};

type Row = EmailAccountRow;

export const EMAIL_KEY_FILE = 'email.key';

export type EmailSettings = ReturnType<typeof createEmailSettings>;

/** The two sealers: one for IMAP passwords, one for SMTP, each bound to the inbox. */
type Seals = { imap: ReturnType<typeof createSealer>; smtp: ReturnType<typeof createSealer> };

/** The account of a row, its passwords opened (throws when email.key is not the one they were sealed with). */
function toAccount(seals: Seals, r: Row): EmailAccount {
  return {
    inboxId: r.inbox_id,
    address: r.address,
    fromName: r.from_name,
    imap: {
      host: r.imap_host,
      port: r.imap_port,
      tls: r.imap_tls,
      user: r.imap_user,
      password: seals.imap.open(r.inbox_id, r.imap_password),
      folder: r.folder,
    },
    smtp: {
      host: r.smtp_host,
      port: r.smtp_port,
      tls: r.smtp_tls,
      user: r.smtp_user,
      password: r.smtp_password ? seals.smtp.open(r.inbox_id, r.smtp_password) : null,
    },
    importDays: r.import_days,
  };
}

/** What admins read back of a row: whether passwords are set, never the passwords. */
function toView(r: Row): EmailAccountView {
  return {
    inboxId: r.inbox_id,
    address: r.address,
    fromName: r.from_name,
    imap: {
      host: r.imap_host,
      port: r.imap_port,
      tls: r.imap_tls,
      user: r.imap_user,
      folder: r.folder,
      passwordSet: true,
    },
    smtp: {
      host: r.smtp_host,
      port: r.smtp_port,
      tls: r.smtp_tls,
      user: r.smtp_user,
      passwordSet: r.smtp_password !== null,
    },
    importDays: r.import_days,
    updatedAt: new Date(r.updated_at).toISOString(),
    updatedBy: r.updated_by,
  };
}

/** The row of an account, its passwords sealed. */
function toRow(seals: Seals, a: EmailAccount, at: number, actorId: string | null): Row {
  return {
    inbox_id: a.inboxId,
    address: a.address,
    from_name: a.fromName,
    imap_host: a.imap.host,
    imap_port: a.imap.port,
    imap_tls: a.imap.tls,
    imap_user: a.imap.user,
    imap_password: seals.imap.seal(a.inboxId, a.imap.password),
    folder: a.imap.folder,
    smtp_host: a.smtp.host,
    smtp_port: a.smtp.port,
    smtp_tls: a.smtp.tls,
    smtp_user: a.smtp.user,
    smtp_password: a.smtp.password === null ? null : seals.smtp.seal(a.inboxId, a.smtp.password),
    import_days: a.importDays,
    updated_at: at,
    updated_by: actorId,
  };
}

/**
 * Per-inbox mailbox accounts in the relay database (table `email_accounts`), passwords sealed with
 * AES-256-GCM under `<data>/email.key` (see sealing.ts), bound to the inbox and to IMAP or SMTP.
 */
export function createEmailSettings(d: { data: EmailRepo; dataDir: string; now: () => number }) {
  const seals: Seals = {
    imap: createSealer(d.dataDir, EMAIL_KEY_FILE, 'switchboard/email-imap-password/v1'),
    smtp: createSealer(d.dataDir, EMAIL_KEY_FILE, 'switchboard/email-smtp-password/v1'),
  };
  return {
    /** The account with its passwords opened (rejects when email.key is not the one they were sealed with). */
    async get(inboxId: string): Promise<EmailAccount | null> {
      const r = await d.data.account(inboxId);
      return r ? toAccount(seals, r) : null;
    },
    /** Inboxes with a mailbox account. */
    inboxIds: (): Promise<string[]> => d.data.accountInboxIds(),
    async view(inboxId: string): Promise<EmailAccountView | null> {
      const r = await d.data.account(inboxId);
      return r ? toView(r) : null;
    },
    /** Stores a complete, tested account (the caller checked the inbox and the input). */
    save: (a: EmailAccount, actorId: string | null): Promise<void> =>
      d.data.saveAccount(toRow(seals, a, d.now(), actorId)),
    remove: (inboxId: string): Promise<boolean> => d.data.removeAccount(inboxId),
  };
}
