import type { Database } from '../../data/db';
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

type Row = {
  inbox_id: string;
  address: string;
  from_name: string;
  imap_host: string;
  imap_port: number;
  imap_tls: TlsMode;
  imap_user: string;
  imap_password: Buffer;
  folder: string;
  smtp_host: string;
  smtp_port: number;
  smtp_tls: TlsMode;
  smtp_user: string | null;
  smtp_password: Buffer | null;
  import_days: number;
  updated_at: number;
  updated_by: string | null;
};

export const EMAIL_KEY_FILE = 'email.key';

export type EmailSettings = ReturnType<typeof createEmailSettings>;

/** The two sealers: one for IMAP passwords, one for SMTP, each bound to the inbox. */
type Seals = { imap: ReturnType<typeof createSealer>; smtp: ReturnType<typeof createSealer> };

function statements(db: Database) {
  return {
    get: db.prepare<[string], Row>('SELECT * FROM email_accounts WHERE inbox_id = ?'),
    all: db.prepare<[], { inbox_id: string }>('SELECT inbox_id FROM email_accounts ORDER BY inbox_id'),
    upsert: db.prepare(
      `INSERT INTO email_accounts (inbox_id, address, from_name, imap_host, imap_port, imap_tls, imap_user,
         imap_password, folder, smtp_host, smtp_port, smtp_tls, smtp_user, smtp_password, import_days,
         updated_at, updated_by)
       VALUES (@inbox_id, @address, @from_name, @imap_host, @imap_port, @imap_tls, @imap_user,
         @imap_password, @folder, @smtp_host, @smtp_port, @smtp_tls, @smtp_user, @smtp_password,
         @import_days, @updated_at, @updated_by)
       ON CONFLICT (inbox_id) DO UPDATE SET address = excluded.address, from_name = excluded.from_name,
         imap_host = excluded.imap_host, imap_port = excluded.imap_port, imap_tls = excluded.imap_tls,
         imap_user = excluded.imap_user, imap_password = excluded.imap_password, folder = excluded.folder,
         smtp_host = excluded.smtp_host, smtp_port = excluded.smtp_port, smtp_tls = excluded.smtp_tls,
         smtp_user = excluded.smtp_user, smtp_password = excluded.smtp_password,
         import_days = excluded.import_days, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    ),
    remove: db.prepare('DELETE FROM email_accounts WHERE inbox_id = ?'),
  };
}

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
export function createEmailSettings(d: { db: Database; dataDir: string; now: () => number }) {
  const seals: Seals = {
    imap: createSealer(d.dataDir, EMAIL_KEY_FILE, 'switchboard/email-imap-password/v1'),
    smtp: createSealer(d.dataDir, EMAIL_KEY_FILE, 'switchboard/email-smtp-password/v1'),
  };
  const q = statements(d.db);
  return {
    /** The account with its passwords opened (throws when email.key is not the one they were sealed with). */
    get(inboxId: string): EmailAccount | null {
      const r = q.get.get(inboxId);
      return r ? toAccount(seals, r) : null;
    },
    /** Inboxes with a mailbox account. */
    inboxIds: (): string[] => q.all.all().map((r) => r.inbox_id),
    view(inboxId: string): EmailAccountView | null {
      const r = q.get.get(inboxId);
      return r ? toView(r) : null;
    },
    /** Stores a complete, tested account (the caller checked the inbox and the input). */
    save(a: EmailAccount, actorId: string | null): void {
      q.upsert.run(toRow(seals, a, d.now(), actorId));
    },
    remove: (inboxId: string): boolean => q.remove.run(inboxId).changes > 0,
  };
}
