import type pg from 'pg';
import { SLA_FIELDS, type SlaKind } from '../../../shared/sla/dues';
import type { SlaQueries } from '../slaQueries';

// Each expression and predicate as migration 005 spells it, so the planner matches the index.
const field = (name: string) => `(data::jsonb ->> '${name}')`;

const WAKE_SQL = `SELECT id FROM records
  WHERE entity = 'conversation' AND NOT deleted AND ${field('status')} = 'snoozed'
    AND ${field('snoozedUntil')} COLLATE "C" <= $1
  ORDER BY ${field('snoozedUntil')} COLLATE "C" LIMIT $2`;

function dueSql(kind: SlaKind): string {
  const due = field(SLA_FIELDS[kind].due);
  return `SELECT id FROM records
  WHERE entity = 'conversation' AND NOT deleted AND ${due} IS NOT NULL
    AND ${due} COLLATE "C" > $1 AND ${due} COLLATE "C" <= $2
    AND ${field(SLA_FIELDS[kind].breachedAt)} IS DISTINCT FROM ${due}
    AND ${field('status')} IS DISTINCT FROM 'resolved'
  ORDER BY ${due} COLLATE "C" LIMIT $3`;
}

const DUE_SQL: Record<SlaKind, string> = {
  firstResponse: dueSql('firstResponse'),
  resolution: dueSql('resolution'),
};

/**
 * The SLA and snooze timer's reads (data/slaQueries.ts) on PostgreSQL: committed data, on the
 * pool (the timer reads each candidate again in its transaction). Range scans of migration 005.
 */
export function createPgSlaQueries(pool: Pick<pg.Pool, 'query'>): SlaQueries {
  const ids = async (name: string, text: string, values: unknown[]) =>
    (await pool.query<{ id: string }>({ name, text, values })).rows.map((r) => r.id);
  return {
    snoozedDue: (nowIso, limit) => ids('sb_sla_wake', WAKE_SQL, [nowIso, limit]),
    slaDue: (kind, afterIso, upToIso, limit) =>
      ids(`sb_sla_due_${kind}`, DUE_SQL[kind], [afterIso, upToIso, limit]),
  };
}

/** The statements, for the test that checks their plans (EXPLAIN). */
export const PG_SLA_SQL = { wake: WAKE_SQL, due: DUE_SQL } as const;
