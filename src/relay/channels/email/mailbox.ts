import type { ImapFlow } from 'imapflow';
import type { EmailRepo } from '../../data/emailData';
import type { Logger } from '../../core/logger';
import { imapClient, imapProblem, type MailConnectOptions } from './connect';
import type { Intake, Position } from './intake';
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

type MailboxDeps = {
  account: EmailAccount;
  data: EmailRepo;
  intake: Intake;
  log: Logger;
  now: () => number;
  options?: MailboxOptions;
};

type Mail = { uid: number; source: Buffer; old: boolean };

/** One running mailbox: its deps, limits and statements, and where its connection stands. */
type Run = {
  d: MailboxDeps;
  a: EmailAccount;
  o: MailboxOptions;
  pollMs: number;
  batch: number;
  status: MailboxStatus;
  stopped: boolean;
  client: ImapFlow | null;
  /** Ends the wait under way (for new mail, or before a reconnect). */
  wake: (() => void) | null;
  retry: number;
  /** New mail arrived while a drain ran: drain again before waiting. */
  pending: boolean;
};

/** Waits `ms`, or until `wake` is called (new mail, or a stop). */
async function nap(m: Run, ms: number, closed?: Promise<void>): Promise<void> {
  const wait = new Promise<void>((r) => {
    m.wake = r;
    setTimeout(r, ms).unref();
  });
  await (closed ? Promise.race([wait, closed]) : wait);
  m.wake = null;
}

/** Where reading resumes: the stored position, or (first time / new UIDVALIDITY) recent mail. */
async function startUid(m: Run, c: ImapFlow, validity: string, uidNext: number): Promise<number> {
  const { a, d } = m;
  const st = await d.data.syncState(a.inboxId, a.imap.folder);
  if (st && st.uid_validity === validity) return st.last_uid;
  const since = new Date(d.now() - a.importDays * 86_400_000);
  const recent = await c.search({ since }, { uid: true });
  const first = recent && recent.length > 0 ? Math.min(...recent) : uidNext;
  await d.data.setPosition(a.inboxId, a.imap.folder, validity, first - 1);
  await d.data.setImportSince(a.inboxId, a.imap.folder, since.getTime());
  d.log.info(
    { inbox: a.inboxId, folder: a.imap.folder, recent: recent ? recent.length : 0, days: a.importDays },
    st
      ? 'mailbox UIDVALIDITY changed: reading recent mail again (seen Message-IDs are skipped)'
      : 'mailbox first connection: importing recent mail',
  );
  return first - 1;
}

/** The next batch of mails after UID `last`, in UID order; those before `cutoff` marked old. */
async function fetchBatch(m: Run, c: ImapFlow, last: number, cutoff: number | null): Promise<Mail[]> {
  const got: Mail[] = [];
  for await (const msg of c.fetch(
    `${last + 1}:*`,
    { uid: true, source: true, internalDate: true },
    { uid: true },
  )) {
    const at = msg.internalDate ? new Date(msg.internalDate).getTime() : Infinity;
    if (msg.uid > last && msg.source)
      got.push({ uid: msg.uid, source: msg.source, old: cutoff !== null && at < cutoff });
    if (got.length >= m.batch) break;
  }
  return got.sort((x, y) => x.uid - y.uid);
}

/** Hands one mail to the intake (an old one is only passed over); its UID becomes the position. */
async function takeMail(m: Run, mail: Mail, validity: string): Promise<void> {
  const { a, d } = m;
  const position: Position = (w) => w.setPosition(a.inboxId, a.imap.folder, validity, mail.uid);
  if (mail.old) return position(d.data);
  try {
    const r = await d.intake.take(a, mail.source, position);
    if (r.kind === 'conversation') m.status.imported++;
  } catch (err) {
    // One unreadable mail is logged and passed over, never retried forever.
    d.log.warn({ err, inbox: a.inboxId, uid: mail.uid }, 'mail could not be taken in; skipped');
    await position(d.data);
  }
}

/** Takes in every mail after the stored position, batch by batch, until caught up (or stopped). */
async function drain(m: Run, c: ImapFlow): Promise<void> {
  const { a, d } = m;
  const mb = c.mailbox;
  if (!mb) return;
  const validity = String(mb.uidValidity);
  let last = await startUid(m, c, validity, Number(mb.uidNext));
  const cutoff = (await d.data.syncState(a.inboxId, a.imap.folder))?.import_since ?? null;
  for (;;) {
    const got = await fetchBatch(m, c, last, cutoff);
    if (got.length === 0) {
      // Caught up: the first import is over, and from now on every new mail is taken.
      if (cutoff !== null) await d.data.setImportSince(a.inboxId, a.imap.folder, null);
      return;
    }
    m.status.state = 'importing';
    for (const mail of got) {
      if (m.stopped) return;
      await takeMail(m, mail, validity);
      last = mail.uid;
    }
  }
}

/** One connection: open the folder, drain it, then wait for new mail until it closes or stops. */
async function session(m: Run): Promise<void> {
  const { a, d, o } = m;
  const c = imapClient(a, o);
  m.client = c;
  c.on('error', (err: unknown) => d.log.debug({ err, inbox: a.inboxId }, 'imap connection error'));
  c.on('exists', () => {
    m.pending = true;
    m.wake?.();
  });
  const closed = new Promise<void>((r) => c.once('close', () => r()));
  try {
    await c.connect();
    await c.mailboxOpen(a.imap.folder);
    m.retry = o.retryMs ?? 1_000;
    m.status.state = 'idle';
    delete m.status.error;
    const hasIdle = c.capabilities.has('IDLE');
    d.log.info({ inbox: a.inboxId, folder: a.imap.folder, idle: hasIdle }, 'mailbox connected');
    while (!m.stopped && c.usable) {
      m.pending = false;
      await drain(m, c);
      m.status.state = 'idle';
      if (m.pending) continue;
      // imapflow idles on its own between commands (IDLE, or NOOP where IDLE is missing);
      // new mail wakes this loop through 'exists', and the poll timer is the safety net.
      await nap(m, m.pollMs, closed);
    }
  } finally {
    m.client = null;
    await c.logout().catch(() => c.close());
  }
}

/** Connects again and again until stopped, waiting `retry` (doubling) after each failure. */
async function keepReading(m: Run): Promise<void> {
  const { a, d, o } = m;
  while (!m.stopped) {
    try {
      await session(m);
    } catch (err) {
      if (m.stopped) break;
      const p = imapProblem(a, err);
      m.status.state = 'failed';
      m.status.error = p.message;
      d.log.warn({ inbox: a.inboxId, problem: p.problem, err }, `mailbox failed; retrying in ${m.retry} ms`);
    }
    if (m.stopped) break;
    await nap(m, m.retry);
    m.retry = Math.min(m.retry * 2, o.maxRetryMs ?? 5 * 60_000);
  }
  m.status.state = 'stopped';
}

/**
 * Reads one inbox's folder for as long as it runs: connects, resumes after the last UID it took
 * (a first connection, or a folder whose UIDVALIDITY changed, starts at mail younger than
 * `importDays`), hands each mail to the intake, then waits in IDLE (or polls) for new mail.
 * Reconnects with backoff after any failure; one mailbox failing touches nothing else.
 */
export function runMailbox(d: MailboxDeps) {
  const o = d.options ?? {};
  const m: Run = {
    d,
    a: d.account,
    o,
    pollMs: o.pollIntervalMs ?? 60_000,
    batch: o.batchSize ?? 100,
    status: { state: 'connecting', imported: 0 },
    stopped: false,
    client: null,
    wake: null,
    retry: o.retryMs ?? 1_000,
    pending: false,
  };
  const done = keepReading(m);

  return {
    status: () => ({ ...m.status }),
    /** Stops reading; resolves once the connection is closed. */
    async stop(): Promise<void> {
      m.stopped = true;
      m.wake?.();
      m.client?.close();
      await done;
    },
  };
}
