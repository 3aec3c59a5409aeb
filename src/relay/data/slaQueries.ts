import { SLA_FIELDS, type SlaKind } from '../../shared/sla/dues';
import type { Database } from './database';

// What the SLA and snooze timer (sla/timers.ts) asks the store each tick: which conversations
// have work due. Candidates only, read from committed data outside the tick's transaction; the
// timer reads each one again inside it before it writes, so a conversation another relay woke or
// marked meanwhile is left alone. SQLite answers here, PostgreSQL in postgres/pgSlaQueries.ts.

/** The timer's reads: range scans of the indexes made for them (SQLite 010, PostgreSQL 005). */
export type SlaQueries = {
  /** Snoozed conversations whose `snoozedUntil` is at or before `nowIso`, earliest first. */
  snoozedDue(nowIso: string, limit: number): Promise<string[]>;
  /**
   * Conversations whose `kind` due time is in (afterIso, upToIso], earliest first, leaving out
   * those whose breach of that due time is already marked and resolved ones (breachesAt would
   * skip them), so a full batch of marked ones never hides the rest.
   */
  slaDue(kind: SlaKind, afterIso: string, upToIso: string, limit: number): Promise<string[]>;
};

/** The timer's reads on the relay's SQLite database (indexes of migration 010). */
export function sqliteSlaQueries(db: Database): SlaQueries {
  const wake = db
    .prepare<[string, number], string>(
      `SELECT id FROM records INDEXED BY records_conv_snoozed_until
       WHERE entity = 'conversation' AND deleted = 0
         AND json_extract(data, '$.snoozedUntil') <= ? AND json_extract(data, '$.status') = 'snoozed'
       ORDER BY json_extract(data, '$.snoozedUntil') LIMIT ?`,
    )
    .pluck();
  const due = {
    firstResponse: dueQuery(db, 'firstResponse', 'records_conv_first_response_due'),
    resolution: dueQuery(db, 'resolution', 'records_conv_resolution_due'),
  };
  return {
    snoozedDue: async (nowIso, limit) => wake.all(nowIso, limit),
    slaDue: async (kind, afterIso, upToIso, limit) => due[kind].all(afterIso, upToIso, limit),
  };
}

/**
 * The conversations whose `kind` due time is in (from, to] and not marked: a range of its index
 * (migration 010), named because the planner would rather scan every conversation by primary key.
 */
function dueQuery(db: Database, kind: SlaKind, index: string) {
  const { due, breachedAt } = SLA_FIELDS[kind];
  return db
    .prepare<[string, string, number], string>(
      `SELECT id FROM records INDEXED BY ${index} WHERE entity = 'conversation' AND deleted = 0
         AND json_extract(data, '$.${due}') > ? AND json_extract(data, '$.${due}') <= ?
         AND json_extract(data, '$.${breachedAt}') IS NOT json_extract(data, '$.${due}')
         AND json_extract(data, '$.status') IS NOT 'resolved'
       ORDER BY json_extract(data, '$.${due}') LIMIT ?`,
    )
    .pluck();
}
