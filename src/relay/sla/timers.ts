import type { ConversationData } from '../../shared/sync/entities';
import type { HlcClock } from '../../shared/sync/hlc';
import { breachesAt, SLA_KINDS, type SlaKind } from '../../shared/sla/dues';
import { guarded } from '../core/guard';
import type { Logger } from '../core/logger';
import type { AsyncStore, AsyncTx } from '../data/asyncStore';
import { writeFieldsAsync } from '../data/records';
import type { SlaQueries } from '../data/slaQueries';
import type { StoredRecord, WriteMeta } from '../data/store';

/** The lease whose holder runs the timer when several relays share one database (routing/lease.ts). */
export const SLA_TIMER_LEASE = 'sla-timers';

/** Limits of the SLA and snooze timer. */
export type SlaTimerOptions = {
  /** How often the relay looks for snoozes to wake and SLA due times passed. Default 1 s. */
  tickMs?: number;
  /** Conversations handled per kind and tick (the rest wait for the next tick). Default 500. */
  batch?: number;
};

export type SlaTimerDeps = {
  store: AsyncStore;
  /** Which conversations have work due (data/slaQueries.ts; postgres/pgSlaQueries.ts). */
  queries: SlaQueries;
  /**
   * Whether this process holds the timer's lease (SLA_TIMER_LEASE) now: only its holder ticks.
   * On SQLite, where one process owns the file, always.
   */
  owns: () => boolean;
  relayClock: HlcClock;
  log: Logger;
  now: () => number;
  /** Asks routing for an agent for a conversation that woke (a no-op for one that has its agent). */
  route: (conversationId: string) => void;
  /** Told of each tick's work, for /metrics. */
  onTick?: (r: SlaTickResult) => void;
};

export type SlaTickResult = { woken: number; breaches: Record<SlaKind, number> };

const SYSTEM: WriteMeta = { mutationId: null, agentId: null };

/** Due times at or before these were looked at, per kind (see createSlaTimers). */
type Checked = Record<SlaKind, string>;

/**
 * The relay's clock for conversations: each tick wakes snoozed conversations whose time has come
 * and marks SLA breaches as their due times pass (shared/sla/dues.ts breachesAt), so both happen
 * with every app closed. State lives only in the records: after a restart the first tick catches
 * up on everything that came due while the relay was down. Ticks are guarded (core/guard.ts) and
 * never overlap; a relay that does not hold the lease (`owns`) skips them. Two ticking at once
 * (a lease hand-over) still write each wake and breach once: each is read again in the tick's
 * transaction, which every writer of the log takes in turn.
 */
export function createSlaTimers(d: SlaTimerDeps, o: SlaTimerOptions = {}) {
  const tickMs = o.tickMs ?? 1_000;
  const batch = o.batch ?? 500;
  // '' at start, so the first tick catches up. A due time is always set later than its write, so
  // one written after a tick is never behind it.
  const checkedUpTo: Checked = { firstResponse: '', resolution: '' };
  let last: Promise<unknown> = Promise.resolve();
  let pending = 0;
  let closed = false;

  /** Runs one tick after any still running; resolves to its work, or null when it did not run. */
  function tick(): Promise<SlaTickResult | null> {
    pending += 1;
    const mine = last
      .then(() => (closed || !d.owns() ? null : tickOnce(d, batch, checkedUpTo)))
      .finally(() => (pending -= 1));
    last = mine.catch(() => undefined);
    return mine;
  }

  // A tick still running (a slow database) makes the interval skip rather than queue behind it.
  const onInterval = () => (pending > 0 ? undefined : tick());
  const timer = setInterval(guarded(d.log, 'sla and snooze timer', onInterval), tickMs);
  timer.unref();
  return {
    /** Runs one tick now, after the one running if any. */
    tick,
    /** Stops the ticks; a tick already running finishes (await the result to wait for it). */
    close(): Promise<void> {
      closed = true;
      clearInterval(timer);
      return last.then(() => undefined);
    },
  };
}

/** One tick: reads what is due, writes it in one transaction, then routes what woke. */
async function tickOnce(d: SlaTimerDeps, batch: number, checkedUpTo: Checked): Promise<SlaTickResult> {
  const nowMs = d.now();
  const nowIso = new Date(nowMs).toISOString();
  const result: SlaTickResult = { woken: 0, breaches: { firstResponse: 0, resolution: 0 } };
  const wake = await d.queries.snoozedDue(nowIso, batch);
  const due: Record<SlaKind, string[]> = { firstResponse: [], resolution: [] };
  for (const kind of SLA_KINDS) due[kind] = await d.queries.slaDue(kind, checkedUpTo[kind], nowIso, batch);
  const woken: string[] = [];
  if (wake.length > 0 || SLA_KINDS.some((k) => due[k].length > 0))
    await d.store.transaction(async (tx) => {
      for (const id of wake) if (await wakeOne(d, tx, id, nowIso)) woken.push(id);
      for (const kind of SLA_KINDS)
        for (const id of due[kind]) result.breaches[kind] += await markBreach(d, tx, id, kind, nowMs);
    });
  // A full batch may leave more due: look again from the same place next tick (the ones marked now
  // no longer answer).
  for (const kind of SLA_KINDS) if (due[kind].length < batch) checkedUpTo[kind] = nowIso;
  result.woken = woken.length;
  if (woken.length > 0 || result.breaches.firstResponse > 0 || result.breaches.resolution > 0) {
    d.log.info({ woken: woken.length, breaches: result.breaches }, 'conversation timers fired');
  }
  for (const id of woken) d.route(id);
  d.onTick?.(result);
  return result;
}

/** Wakes a conversation still snoozed until `nowIso` or before, as read in `tx`; says whether it did. */
async function wakeOne(d: SlaTimerDeps, tx: AsyncTx, id: string, nowIso: string): Promise<boolean> {
  const conv = await tx.get('conversation', id);
  if (!conv || conv.deleted) return false;
  const { status, snoozedUntil } = conv.data as Partial<ConversationData>;
  if (status !== 'snoozed' || typeof snoozedUntil !== 'string' || snoozedUntil > nowIso) return false;
  await write(d, tx, conv, { status: 'open', snoozedUntil: null }, nowIso);
  return true;
}

/** Marks the `kind` breach of a conversation as read in `tx` when it is due and not marked; 1 if it did. */
async function markBreach(d: SlaTimerDeps, tx: AsyncTx, id: string, kind: SlaKind, nowMs: number) {
  const conv = await tx.get('conversation', id);
  if (!conv || conv.deleted) return 0;
  const b = breachesAt(conv.data as Partial<ConversationData>, nowMs).find((x) => x.kind === kind);
  if (!b) return 0;
  await write(d, tx, conv, b.fields, new Date(nowMs).toISOString());
  return 1;
}

function write(
  d: SlaTimerDeps,
  tx: AsyncTx,
  conv: StoredRecord,
  fields: Record<string, unknown>,
  at: string,
): Promise<unknown> {
  const w = {
    entity: 'conversation' as const,
    id: conv.id,
    fields,
    clock: d.relayClock.now(),
    convId: conv.id,
    at,
  };
  return writeFieldsAsync(tx, w, SYSTEM, conv);
}
