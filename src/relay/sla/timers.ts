import type { ConversationData } from '../../shared/sync/entities';
import type { HlcClock } from '../../shared/sync/hlc';
import { breachesAt, SLA_FIELDS, SLA_KINDS, type SlaKind } from '../../shared/sla/dues';
import { guarded } from '../core/guard';
import type { Logger } from '../core/logger';
import type { Database } from '../data/db';
import { writeFields } from '../data/records';
import type { Store, WriteMeta } from '../data/store';

/** Limits of the SLA and snooze timer. */
export type SlaTimerOptions = {
  /** How often the relay looks for snoozes to wake and SLA due times passed. Default 1 s. */
  tickMs?: number;
  /** Conversations handled per kind and tick (the rest wait for the next tick). Default 500. */
  batch?: number;
};

export type SlaTimerDeps = {
  db: Database;
  store: Store;
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

/**
 * The relay's clock for conversations: each tick wakes snoozed conversations whose time has come
 * and marks SLA breaches as their due times pass (shared/sla/dues.ts breachesAt), so both happen
 * with every app closed. State lives only in the records: after a restart the first tick catches
 * up on everything that came due while the relay was down. Ticks are guarded (core/guard.ts).
 */
export function createSlaTimers(d: SlaTimerDeps, o: SlaTimerOptions = {}) {
  const tickMs = o.tickMs ?? 1_000;
  const batch = o.batch ?? 500;
  const q = {
    wake: d.db
      .prepare<[string, number], string>(
        `SELECT id FROM records INDEXED BY records_conv_snoozed_until
       WHERE entity = 'conversation' AND deleted = 0
         AND json_extract(data, '$.snoozedUntil') <= ? AND json_extract(data, '$.status') = 'snoozed'
       ORDER BY json_extract(data, '$.snoozedUntil') LIMIT ?`,
      )
      .pluck(),
    due: {
      firstResponse: dueQuery(d.db, SLA_FIELDS.firstResponse.due, 'records_conv_first_response_due'),
      resolution: dueQuery(d.db, SLA_FIELDS.resolution.due, 'records_conv_resolution_due'),
    },
  };
  // Due times at or before this were looked at; '' at start, so the first tick catches up. A due
  // time is always set later than its write, so one written after a tick is never behind it.
  const checkedUpTo: Record<SlaKind, string> = { firstResponse: '', resolution: '' };

  function tick(): SlaTickResult {
    const nowMs = d.now();
    const nowIso = new Date(nowMs).toISOString();
    const result: SlaTickResult = { woken: 0, breaches: { firstResponse: 0, resolution: 0 } };
    const woken: string[] = [];
    d.store.transaction(() => {
      for (const id of q.wake.all(nowIso, batch)) {
        write(id, { status: 'open', snoozedUntil: null }, nowIso);
        woken.push(id);
      }
      for (const kind of SLA_KINDS) {
        const ids = q.due[kind].all(checkedUpTo[kind], nowIso, batch);
        for (const id of ids) {
          const conv = d.store.get('conversation', id);
          if (!conv || conv.deleted) continue;
          for (const b of breachesAt(conv.data as Partial<ConversationData>, nowMs))
            if (b.kind === kind) {
              write(id, b.fields, nowIso);
              result.breaches[kind] += 1;
            }
        }
        // A full batch may leave more due at the same instant: look again from the start next tick.
        checkedUpTo[kind] = ids.length < batch ? nowIso : checkedUpTo[kind];
      }
    });
    result.woken = woken.length;
    if (woken.length > 0 || result.breaches.firstResponse > 0 || result.breaches.resolution > 0) {
      d.log.info({ woken: woken.length, breaches: result.breaches }, 'conversation timers fired');
    }
    for (const id of woken) d.route(id);
    d.onTick?.(result);
    return result;
  }

  function write(id: string, fields: Record<string, unknown>, at: string): void {
    writeFields(
      d.store,
      { entity: 'conversation', id, fields, clock: d.relayClock.now(), convId: id, at },
      SYSTEM,
    );
  }

  const timer = setInterval(guarded(d.log, 'sla and snooze timer', tick), tickMs);
  timer.unref();
  return {
    /** Runs one tick now (the relay's start, before the first interval). */
    tick,
    close(): void {
      clearInterval(timer);
    },
  };
}

/**
 * The conversations whose `field` due time is in (from, to], earliest first: a range of its index
 * (migration 010), named because the planner would rather scan every conversation by primary key.
 */
function dueQuery(db: Database, field: string, index: string) {
  return db
    .prepare<[string, string, number], string>(
      `SELECT id FROM records INDEXED BY ${index} WHERE entity = 'conversation' AND deleted = 0
         AND json_extract(data, '$.${field}') > ? AND json_extract(data, '$.${field}') <= ?
       ORDER BY json_extract(data, '$.${field}') LIMIT ?`,
    )
    .pluck();
}
