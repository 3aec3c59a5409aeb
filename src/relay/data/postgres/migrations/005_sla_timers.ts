import type { PgMigration } from './pgMigration';

// Released: never edit. Add a new numbered file instead.
/**
 * The SLA and snooze timer's reads (postgres/pgSlaQueries.ts), as SQLite's migration 010: each
 * tick asks for the conversations whose wake time or due time has come, a range scan of one of
 * these expression indexes rather than a parse of every record's JSON. Partial on live
 * conversations (the wake index on snoozed ones only, the due indexes on those with a due time),
 * and in the "C" collation: ISO times compare as plain strings whatever the database's locale.
 */
export const pgMigration005: PgMigration = {
  version: 5,
  name: 'sla_timers',
  sql: `
    CREATE INDEX records_conv_snoozed_until ON records (((data::jsonb ->> 'snoozedUntil')) COLLATE "C")
      WHERE entity = 'conversation' AND NOT deleted AND (data::jsonb ->> 'status') = 'snoozed';
    CREATE INDEX records_conv_first_response_due ON records (((data::jsonb ->> 'slaFirstResponseDueAt')) COLLATE "C")
      WHERE entity = 'conversation' AND NOT deleted AND (data::jsonb ->> 'slaFirstResponseDueAt') IS NOT NULL;
    CREATE INDEX records_conv_resolution_due ON records (((data::jsonb ->> 'slaResolutionDueAt')) COLLATE "C")
      WHERE entity = 'conversation' AND NOT deleted AND (data::jsonb ->> 'slaResolutionDueAt') IS NOT NULL;
  `,
};
