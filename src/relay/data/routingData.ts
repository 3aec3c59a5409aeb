import type { AsyncStore } from './asyncStore';
import type { Database } from './db';

// What routing reads from the store besides single records (asyncStore.ts) and the directory
// (identityData.ts): the open conversations and ringing calls it rebuilds its state from at start
// (or when it gains a queue), and the small values it keeps in the store's `meta` table (the
// notices of work that moved from an agent while away). SQLite implements it here, PostgreSQL in
// postgres/pgRoutingData.ts; both stores have the same `meta (key, value)` table.

/** A conversation as routing reads it at start: its id, its log position and its data. */
export type OpenConversationRow = { id: string; seq: number; data: Record<string, unknown> };

export type RoutingData = {
  /** Every conversation not deleted whose status is set and is not `resolved`. */
  openConversations(): Promise<OpenConversationRow[]>;
  /** Calls that nobody answered and that have not ended, with their conversation. */
  ringingCalls(): Promise<{ id: string; seq: number; conversationId: string }[]>;
  /** A value of the `meta` table, or null. */
  meta(key: string): Promise<string | null>;
  /**
   * Changes one `meta` value in one store transaction (null drops it): `fn` sees the value as it
   * is then, so two relays changing one key take turns and neither change is lost.
   */
  updateMeta(key: string, fn: (value: string | null) => string | null): Promise<void>;
};

/**
 * RoutingData on the SQLite relay database. A meta change runs in a store transaction of
 * `store` (asyncSqliteStore over the same database), so it never lands inside another caller's
 * open transaction on the one connection.
 */
export function createSqliteRoutingData(db: Database, store: Pick<AsyncStore, 'transaction'>): RoutingData {
  const q = {
    open: db.prepare<[], { id: string; seq: number; data: string }>(
      `SELECT id, seq, data FROM records WHERE entity = 'conversation' AND deleted = 0
         AND json_extract(data, '$.status') <> 'resolved'`,
    ),
    ringing: db.prepare<[], { id: string; seq: number; conversationId: string }>(
      `SELECT id, seq, conv_id AS conversationId FROM records WHERE entity = 'call' AND deleted = 0
         AND conv_id IS NOT NULL
         AND json_extract(data, '$.endedAt') IS NULL AND json_extract(data, '$.answeredAt') IS NULL`,
    ),
    get: db.prepare<[string], string>('SELECT value FROM meta WHERE key = ?').pluck(),
    put: db.prepare<[string, string]>(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    ),
    drop: db.prepare<[string]>('DELETE FROM meta WHERE key = ?'),
  };
  return {
    openConversations: async () =>
      q.open
        .all()
        .map((r) => ({ id: r.id, seq: r.seq, data: JSON.parse(r.data) as Record<string, unknown> })),
    ringingCalls: async () => q.ringing.all(),
    meta: async (key) => q.get.get(key) ?? null,
    updateMeta: (key, fn) =>
      store.transaction(async () => {
        const next = fn(q.get.get(key) ?? null);
        if (next === null) q.drop.run(key);
        else q.put.run(key, next);
      }),
  };
}
