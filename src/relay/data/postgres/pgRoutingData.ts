import type { OpenConversationRow, RoutingData } from '../routingData';
import type { PgStore } from './pgStore';

/**
 * RoutingData (routingData.ts) on PostgreSQL: the same questions as on SQLite, on the store's
 * pool; a meta change runs in a store transaction (under the log lock, so relays take turns).
 */
export function createPgRoutingData(store: Pick<PgStore, 'pool' | 'transactionWith'>): RoutingData {
  const { pool } = store;
  return {
    async openConversations() {
      const r = await pool.query<{ id: string; seq: string; data: string }>(
        `SELECT id, seq, data FROM records WHERE entity = 'conversation' AND NOT deleted
           AND (data::jsonb ->> 'status') <> 'resolved'`,
      );
      return r.rows.map((row): OpenConversationRow => ({
        id: row.id,
        seq: Number(row.seq),
        data: JSON.parse(row.data) as Record<string, unknown>,
      }));
    },
    async ringingCalls() {
      const r = await pool.query<{ id: string; seq: string; conversation_id: string }>(
        `SELECT id, seq, conv_id AS conversation_id FROM records WHERE entity = 'call' AND NOT deleted
           AND conv_id IS NOT NULL
           AND (data::jsonb ->> 'endedAt') IS NULL AND (data::jsonb ->> 'answeredAt') IS NULL`,
      );
      return r.rows.map((row) => ({ id: row.id, seq: Number(row.seq), conversationId: row.conversation_id }));
    },
    async meta(key) {
      const r = await pool.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key]);
      return r.rows[0]?.value ?? null;
    },
    updateMeta: (key, fn) =>
      store.transactionWith(async (_tx, client) => {
        const r = await client.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key]);
        const next = fn(r.rows[0]?.value ?? null);
        if (next === null) await client.query('DELETE FROM meta WHERE key = $1', [key]);
        else
          await client.query(
            'INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
            [key, next],
          );
      }),
  };
}
