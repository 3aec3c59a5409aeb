import type { PresenceRow, WebchatData, WebchatSettingsRow } from '../webchatData';
import type { PgStore } from './pgStore';

// Each expression and predicate as migration 011 spells it, so the planner matches its indexes.
// No LIMIT on the identity look-up (the first row is taken): see pgInboundData.ts.
const CUSTOMER_BY_IDENTITY = `SELECT id FROM records
  WHERE entity = 'customer' AND NOT deleted
    AND (data::jsonb -> 'identities') @> jsonb_build_array(jsonb_build_object('kind', 'webchat', 'value', $1::text))`;
// As on SQLite (webchatData.ts): a missing createdAt sorts last there too.
const OWN_CHAT = `SELECT c.id FROM records c
  WHERE c.entity = 'conversation' AND NOT c.deleted
    AND ($3::text IS NULL OR c.id = $3::text)
    AND (c.data::jsonb ->> 'channel') = 'chat'
    AND (c.data::jsonb ->> 'customerId') IN ($1, $2)
    AND EXISTS (SELECT 1 FROM records m WHERE m.conv_id = c.id AND m.entity = 'message' AND NOT m.deleted
                AND (m.data::jsonb ->> 'direction') = 'in' AND (m.data::jsonb ->> 'customerId') = $1)
  ORDER BY (c.data::jsonb ->> 'createdAt') COLLATE "C" DESC NULLS LAST, c.seq DESC LIMIT 1`;
const MESSAGES_OF = `SELECT id, seq, data FROM records
  WHERE entity = 'message' AND NOT deleted AND conv_id = $1 ORDER BY seq`;

/** The statements, for the test that checks their plans (EXPLAIN). */
export const PG_WEBCHAT_SQL = { customerByIdentity: CUSTOMER_BY_IDENTITY, ownChat: OWN_CHAT } as const;

type RawSettings = Omit<WebchatSettingsRow, 'updated_at'> & { updated_at: string };
const settingsOf = (r: RawSettings): WebchatSettingsRow => ({ ...r, updated_at: Number(r.updated_at) });

const UPSERT_SETTINGS = `INSERT INTO webchat_settings (inbox_id, allowed_origins, identity_secret,
    identity_secret_cleared, offline_reply_hours, updated_at, updated_by)
  VALUES ($1, $2, $3, $4, $5, $6, $7)
  ON CONFLICT (inbox_id) DO UPDATE SET allowed_origins = excluded.allowed_origins,
    identity_secret = excluded.identity_secret, identity_secret_cleared = excluded.identity_secret_cleared,
    offline_reply_hours = excluded.offline_reply_hours, updated_at = excluded.updated_at,
    updated_by = excluded.updated_by`;

/**
 * WebchatData (webchatData.ts) on PostgreSQL, on the store's pool; a settings change runs in a
 * store transaction (under the log lock, so relays take turns). A visitor's last-seen time only
 * moves forward: relays whose clocks differ a little never put it back.
 */
export function createPgWebchatData(store: Pick<PgStore, 'pool' | 'transactionWith'>): WebchatData {
  const { pool } = store;
  const id = async (name: string, text: string, values: unknown[]) =>
    (await pool.query<{ id: string }>({ name, text, values })).rows[0]?.id ?? null;
  return {
    customerByIdentity: (identity) => id('sb_webchat_by_identity', CUSTOMER_BY_IDENTITY, [identity]),
    ownChat: (own, target, conv) => id('sb_webchat_own_chat', OWN_CHAT, [own, target, conv]),
    async messagesOf(convId) {
      const r = await pool.query<{ id: string; seq: string; data: string }>({
        name: 'sb_webchat_messages',
        text: MESSAGES_OF,
        values: [convId],
      });
      return r.rows.map((row) => ({
        id: row.id,
        seq: Number(row.seq),
        data: JSON.parse(row.data) as Record<string, unknown>,
      }));
    },
    async presenceSeen(convIds, at) {
      if (convIds.length === 0) return;
      await pool.query(
        `INSERT INTO webchat_presence (conversation_id, last_seen_at) SELECT unnest($1::text[]), $2
         ON CONFLICT (conversation_id) DO UPDATE
           SET last_seen_at = GREATEST(webchat_presence.last_seen_at, excluded.last_seen_at)`,
        [[...new Set(convIds)], at],
      );
    },
    presenceForget: async (convId) =>
      void (await pool.query('DELETE FROM webchat_presence WHERE conversation_id = $1', [convId])),
    async presenceAll() {
      const r = await pool.query<{ conversation_id: string; last_seen_at: string }>(
        'SELECT conversation_id, last_seen_at FROM webchat_presence',
      );
      return r.rows.map((x): PresenceRow => ({ ...x, last_seen_at: Number(x.last_seen_at) }));
    },
    async presenceOf(convId) {
      const r = await pool.query<{ last_seen_at: string }>(
        'SELECT last_seen_at FROM webchat_presence WHERE conversation_id = $1',
        [convId],
      );
      const at = r.rows[0]?.last_seen_at;
      return at === undefined ? null : Number(at);
    },
    async settings(inboxId) {
      const r = await pool.query<RawSettings>('SELECT * FROM webchat_settings WHERE inbox_id = $1', [
        inboxId,
      ]);
      return r.rows[0] ? settingsOf(r.rows[0]) : null;
    },
    updateSettings: (inboxId, fn) =>
      store.transactionWith(async (_tx, client) => {
        const r = await client.query<RawSettings>(
          'SELECT * FROM webchat_settings WHERE inbox_id = $1 FOR UPDATE',
          [inboxId],
        );
        const row = fn(r.rows[0] ? settingsOf(r.rows[0]) : null);
        await client.query(UPSERT_SETTINGS, [
          inboxId,
          row.allowed_origins,
          row.identity_secret,
          row.identity_secret_cleared,
          row.offline_reply_hours,
          row.updated_at,
          row.updated_by,
        ]);
      }),
    removeSettings: async (inboxId) =>
      void (await pool.query('DELETE FROM webchat_settings WHERE inbox_id = $1', [inboxId])),
  };
}
