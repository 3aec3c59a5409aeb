import type { AsyncStore, AsyncTx } from './asyncStore';
import type { Database } from './database';

// What the inbound path (channels/inbound.ts, where customers' messages enter) asks the store
// besides single records: a customer by a normalized email or phone, and a customer's newest
// conversation in an inbox. Asked inside the inbound transaction, so finding and creating a
// customer or conversation is one serial step on either store (a PostgreSQL store transaction
// holds the log lock from BEGIN: two relays taking mail from one sender at once make one
// customer). SQLite answers here, PostgreSQL in postgres/pgInboundData.ts (indexes of its
// migration 011).

/** The reads of one inbound transaction (they see its own writes). */
export type InboundReads = {
  /** A live customer whose `emails` hold `email` (as given: the caller normalizes), or null. */
  customerByEmail(email: string): Promise<string | null>;
  /** A live customer whose `phones` hold `phone` (E.164), or null. */
  customerByPhone(phone: string): Promise<string | null>;
  /**
   * The customer's newest live conversation in the inbox, those not resolved first (a resolved
   * one only when there is no other), or null.
   */
  latestConversation(customerId: string, inboxId: string): Promise<string | null>;
};

/** One open inbound transaction: its reads, and the store transaction its records go through. */
export type InboundTx = InboundReads & { records: AsyncTx };

export type InboundData = {
  /** Runs `fn` in one store transaction (AsyncStore.transaction: ordering, listeners, rollback). */
  transaction<R>(fn: (tx: InboundTx) => Promise<R>): Promise<R>;
};

/**
 * InboundData on the SQLite relay database: the store transaction of `store` (asyncSqliteStore
 * over the same database), whose one connection the statements below then read inside it.
 */
export function createSqliteInboundData(db: Database, store: Pick<AsyncStore, 'transaction'>): InboundData {
  const q = {
    byEmail: db
      .prepare<[string], string>(
        `SELECT id FROM records WHERE entity = 'customer' AND deleted = 0
         AND EXISTS (SELECT 1 FROM json_each(records.data, '$.emails') WHERE value = ?) LIMIT 1`,
      )
      .pluck(),
    byPhone: db
      .prepare<[string], string>(
        `SELECT id FROM records WHERE entity = 'customer' AND deleted = 0
         AND EXISTS (SELECT 1 FROM json_each(records.data, '$.phones') WHERE value = ?) LIMIT 1`,
      )
      .pluck(),
    latestConv: db
      .prepare<[string, string], string>(
        `SELECT id FROM records WHERE entity = 'conversation' AND deleted = 0
         AND json_extract(data, '$.customerId') = ? AND json_extract(data, '$.inboxId') = ?
       ORDER BY json_extract(data, '$.status') = 'resolved', seq DESC LIMIT 1`,
      )
      .pluck(),
  };
  const reads: InboundReads = {
    customerByEmail: async (email) => q.byEmail.get(email) ?? null,
    customerByPhone: async (phone) => q.byPhone.get(phone) ?? null,
    latestConversation: async (customerId, inboxId) => q.latestConv.get(customerId, inboxId) ?? null,
  };
  return { transaction: (fn) => store.transaction((records) => fn({ ...reads, records })) };
}
