import type { InboundData, InboundReads } from '../inboundData';
import type { PgStore } from './pgStore';
import type { Queryable } from './pgReads';

// Each expression and predicate as migration 011 spells it, so the planner matches its indexes.
// No LIMIT on the customer look-ups (the first row is taken): a containment's row estimate is a
// guess, and under a LIMIT 1 the planner would rather scan every record for the first match.
const CUSTOMER_BY_EMAIL = `SELECT id FROM records
  WHERE entity = 'customer' AND NOT deleted AND (data::jsonb -> 'emails') @> jsonb_build_array($1::text)`;
const CUSTOMER_BY_PHONE = `SELECT id FROM records
  WHERE entity = 'customer' AND NOT deleted AND (data::jsonb -> 'phones') @> jsonb_build_array($1::text)`;
// As SQLite orders it: not resolved first (a missing status, NULL, sorts first there too), then newest.
const LATEST_CONVERSATION = `SELECT id FROM records
  WHERE entity = 'conversation' AND NOT deleted
    AND (data::jsonb ->> 'customerId') = $1 AND (data::jsonb ->> 'inboxId') = $2
  ORDER BY (data::jsonb ->> 'status') = 'resolved' NULLS FIRST, seq DESC LIMIT 1`;

/** The statements, for the test that checks their plans (EXPLAIN). */
export const PG_INBOUND_SQL = {
  customerByEmail: CUSTOMER_BY_EMAIL,
  customerByPhone: CUSTOMER_BY_PHONE,
  latestConversation: LATEST_CONVERSATION,
} as const;

function readsOn(q: Queryable): InboundReads {
  const id = async (name: string, text: string, values: unknown[]) =>
    (await q.query<{ id: string }>({ name, text, values })).rows[0]?.id ?? null;
  return {
    customerByEmail: (email) => id('sb_inbound_by_email', CUSTOMER_BY_EMAIL, [email]),
    customerByPhone: (phone) => id('sb_inbound_by_phone', CUSTOMER_BY_PHONE, [phone]),
    latestConversation: (customerId, inboxId) =>
      id('sb_inbound_latest_conv', LATEST_CONVERSATION, [customerId, inboxId]),
  };
}

/**
 * InboundData (inboundData.ts) on PostgreSQL: a transaction is the store's (under the log lock),
 * its reads on that transaction's connection.
 */
export function createPgInboundData(store: Pick<PgStore, 'transactionWith'>): InboundData {
  return {
    transaction: (fn) => store.transactionWith((records, client) => fn({ ...readsOn(client), records })),
  };
}
