import type { ImapFlow } from 'imapflow';
import type { Database } from '../../data/db';
import type { Logger } from '../../core/logger';
import { imapClient, imapProblem, type MailConnectOptions } from './connect';
import type { Intake } from './intake';
import type { EmailAccount } from './settings';

/** Limits of reading a mailbox; every one has a default. */
export type MailboxOptions = MailConnectOptions & {
  /** Where the server offers no IDLE, and as a safety net where it does. Default 60 s. */
  pollIntervalMs?: number;
  /** First wait before reconnecting after a failure; doubles up to `maxRetryMs`. Default 1 s. */
  retryMs?: number;
  /** Longest wait between reconnects. Default 5 min. */
  maxRetryMs?: number;
  /** Mails fetched per round trip. Default 100. */
  batchSize?: number;
};

export type MailboxStatus = {
  state: 'connecting' | 'idle' | 'importing' | 'failed' | 'stopped';
  error?: string;
  imported: number;
};

/**
 * Reads one inbox's folder for as long as it runs: connects, resumes after the last UID it took
 * (a first connection, or a folder whose UIDVALIDITY changed, starts at mail younger than
 * `importDays`), hands each mail to the intake, then waits in IDLE (or polls) for new mail.
 * Reconnects with backoff after any failure; one mailbox failing touches nothing else.
 */
export function runMailbox(d: {
  account: EmailAccount;
  db: Database;
  intake: Intake;
  log: Logger;
  now: () => number;
  options?: MailboxOptions;
}) {
  const a = d.account;
  const o = d.options ?? {};
  const pollMs = o.pollIntervalMs ?? 60_000;
  const batch = o.batchSize ?? 100;
  const status: MailboxStatus = { state: 'connecting', imported: 0 };
  const q = {
    get: d.db.prepare<
      [string, string],
      { uid_validity: string; last_uid: number; import_since: number | null }
    >('SELECT uid_validity, last_uid, import_since FROM email_sync WHERE inbox_id = ? AND folder = ?'),
    since: d.db.prepare('UPDATE email_sync SET import_since = ? WHERE inbox_id = ? AND folder = ?'),
    set: d.db.prepare(
      `INSERT INTO email_sync (inbox_id, folder, uid_validity, last_uid) VALUES (?, ?, ?, ?)
       ON CONFLICT (inbox_id, folder) DO UPDATE SET uid_validity = excluded.uid_validity,
         last_uid = excluded.last_uid`,
    ),
  };
  let stopped = false;
  let client: ImapFlow | null = null;
  let wake: (() => void) | null = null;
  let retry = o.retryMs ?? 1_000;
  let pending = false;

  /** Where reading resumes: the stored position, or (first time / new UIDVALIDITY) recent mail. */
  async function startUid(c: ImapFlow, validity: string, uidNext: number): Promise<number> {
    const st = q.get.get(a.inboxId, a.imap.folder);
    if (st && st.uid_validity === validity) return st.last_uid;
    const since = new Date(d.now() - a.importDays * 86_400_000);
    const recent = await c.search({ since }, { uid: true });
    const first = recent && recent.length > 0 ? Math.min(...recent) : uidNext;
    q.set.run(a.inboxId, a.imap.folder, validity, first - 1);
    q.since.run(since.getTime(), a.inboxId, a.imap.folder);
    d.log.info(
      { inbox: a.inboxId, folder: a.imap.folder, recent: recent ? recent.length : 0, days: a.importDays },
      st
        ? 'mailbox UIDVALIDITY changed: reading recent mail again (seen Message-IDs are skipped)'
        : 'mailbox first connection: importing recent mail',
    );
    return first - 1;
  }

  async function drain(c: ImapFlow): Promise<void> {
    const mb = c.mailbox;
    if (!mb) return;
    const validity = String(mb.uidValidity);
    let last = await startUid(c, validity, Number(mb.uidNext));
    const cutoff = q.get.get(a.inboxId, a.imap.folder)?.import_since ?? null;
    for (;;) {
      const got: { uid: number; source: Buffer; old: boolean }[] = [];
      for await (const m of c.fetch(
        `${last + 1}:*`,
        { uid: true, source: true, internalDate: true },
        { uid: true },
      )) {
        const at = m.internalDate ? new Date(m.internalDate).getTime() : Infinity;
        if (m.uid > last && m.source)
          got.push({ uid: m.uid, source: m.source, old: cutoff !== null && at < cutoff });
        if (got.length >= batch) break;
      }
      if (got.length === 0) {
        // Caught up: the first import is over, and from now on every new mail is taken.
        if (cutoff !== null) q.since.run(null, a.inboxId, a.imap.folder);
        return;
      }
      status.state = 'importing';
      got.sort((x, y) => x.uid - y.uid);
      for (const m of got) {
        if (stopped) return;
        const position = () => q.set.run(a.inboxId, a.imap.folder, validity, m.uid);
        if (m.old) {
          position();
          last = m.uid;
          continue;
        }
        try {
          const r = await d.intake.take(a, m.source, position);
          if (r.kind === 'conversation') status.imported++;
        } catch (err) {
          // One unreadable mail is logged and passed over, never retried forever.
          d.log.warn({ err, inbox: a.inboxId, uid: m.uid }, 'mail could not be taken in; skipped');
          position();
        }
        last = m.uid;
      }
    }
  }

  async function session(): Promise<void> {
    const c = imapClient(a, o);
    client = c;
    c.on('error', (err: unknown) => d.log.debug({ err, inbox: a.inboxId }, 'imap connection error'));
    c.on('exists', () => {
      pending = true;
      wake?.();
    });
    const closed = new Promise<void>((r) => c.once('close', () => r()));
    try {
      await c.connect();
      await c.mailboxOpen(a.imap.folder);
      retry = o.retryMs ?? 1_000;
      status.state = 'idle';
      delete status.error;
      const hasIdle = c.capabilities.has('IDLE');
      d.log.info({ inbox: a.inboxId, folder: a.imap.folder, idle: hasIdle }, 'mailbox connected');
      while (!stopped && c.usable) {
        pending = false;
        await drain(c);
        status.state = 'idle';
        if (pending) continue;
        // imapflow idles on its own between commands (IDLE, or NOOP where IDLE is missing);
        // new mail wakes this loop through 'exists', and the poll timer is the safety net.
        await Promise.race([
          new Promise<void>((r) => {
            wake = r;
            setTimeout(r, pollMs).unref();
          }),
          closed,
        ]);
        wake = null;
      }
    } finally {
      client = null;
      await c.logout().catch(() => c.close());
    }
  }

  const done = (async () => {
    while (!stopped) {
      try {
        await session();
      } catch (err) {
        if (stopped) break;
        const p = imapProblem(a, err);
        status.state = 'failed';
        status.error = p.message;
        d.log.warn({ inbox: a.inboxId, problem: p.problem, err }, `mailbox failed; retrying in ${retry} ms`);
      }
      if (stopped) break;
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, retry).unref();
      });
      wake = null;
      retry = Math.min(retry * 2, o.maxRetryMs ?? 5 * 60_000);
    }
    status.state = 'stopped';
  })();

  return {
    status: () => ({ ...status }),
    /** Stops reading; resolves once the connection is closed. */
    async stop(): Promise<void> {
      stopped = true;
      wake?.();
      client?.close();
      await done;
    },
  };
}
