import type pg from 'pg';
import type { GrantRow, GrantWrites, LiveCallRow, VoiceData } from '../voiceData';
import { pgIdentityTx } from './pgIdentity';
import type { PgStore } from './pgStore';

type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;
type Raw = Record<string, unknown>;

// The expression and predicate as migration 010 spells them, so the planner matches its index.
const BY_CALL_ID_SQL = `SELECT id FROM records
  WHERE entity = 'conversation' AND NOT deleted AND (data::jsonb ->> 'channel') = 'voice'
    AND (data::jsonb #>> '{call,callId}') = $1
  ORDER BY (data::jsonb #>> '{call,at}') COLLATE "C" DESC LIMIT 1`;

const LIVE_CALLS_SQL = `SELECT id, data::jsonb ->> 'inboxId' AS inbox_id, data::jsonb -> 'call' AS call
  FROM records WHERE entity = 'conversation' AND NOT deleted
    AND (data::jsonb ->> 'channel') = 'voice' AND (data::jsonb ->> 'status') <> 'resolved'
    AND (data::jsonb #>> '{call,state}') IN ('queued', 'offered', 'ringing')`;

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

const grantOf = (r: Raw): GrantRow => ({
  id: r['id'] as string,
  supervisor_id: r['supervisor_id'] as string,
  agent_id: r['agent_id'] as string,
  conversation_id: r['conversation_id'] as string,
  call_id: r['call_id'] as string,
  mode: r['mode'] as string,
  redeemed_at: num(r['redeemed_at']),
  ended_at: num(r['ended_at']),
});

/**
 * VoiceData (voiceData.ts) on PostgreSQL (migration 010): reads and single writes on the store's
 * pool; a transaction is the store's (transactionWith), with identity's rows on its connection, so
 * a grant and its audit line commit together.
 */
export function createPgVoiceData(store: Pick<PgStore, 'pool' | 'transactionWith'>): VoiceData {
  const { pool } = store;
  return {
    ...grantWrites(pool),
    async grant(id) {
      const r = await pool.query<Raw>(
        `SELECT id, supervisor_id, agent_id, conversation_id, call_id, mode, redeemed_at, ended_at
           FROM monitoring_grants WHERE id = $1`,
        [id],
      );
      return r.rows[0] ? grantOf(r.rows[0]) : null;
    },
    async conversationOfCall(callId) {
      const r = await pool.query<{ id: string }>({
        name: 'sb_voice_call_id',
        text: BY_CALL_ID_SQL,
        values: [callId],
      });
      return r.rows[0]?.id ?? null;
    },
    async liveCallRows() {
      const r = await pool.query<{ id: string; inbox_id: string; call: unknown }>(LIVE_CALLS_SQL);
      return r.rows.map((row): LiveCallRow => ({ id: row.id, inboxId: row.inbox_id, call: row.call }));
    },
    transaction: (fn) =>
      store.transactionWith((records, client) =>
        fn({ ...pgIdentityTx(client, records), ...grantWrites(client) }),
      ),
  };
}

function grantWrites(q: Queryable): GrantWrites {
  return {
    async insertGrant(g) {
      await q.query(
        `INSERT INTO monitoring_grants (id, issued_at, expires_at, supervisor_id, agent_id, conversation_id, call_id, mode)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [g.id, g.issued_at, g.expires_at, g.supervisor_id, g.agent_id, g.conversation_id, g.call_id, g.mode],
      );
    },
    // Under READ COMMITTED a second UPDATE waits for the first's row lock, then finds the row
    // redeemed and changes nothing: one of two redemptions at once, on any relays, wins.
    redeemGrant: async (id, at) =>
      (
        await q.query('UPDATE monitoring_grants SET redeemed_at = $1 WHERE id = $2 AND redeemed_at IS NULL', [
          at,
          id,
        ])
      ).rowCount === 1,
    endGrant: async (id, at, reason) =>
      (
        await q.query(
          'UPDATE monitoring_grants SET ended_at = $1, ended_reason = $2 WHERE id = $3 AND ended_at IS NULL',
          [at, reason, id],
        )
      ).rowCount === 1,
  };
}

/** The statements, for the test that checks the call-id read's plan (EXPLAIN). */
export const PG_VOICE_SQL = { byCallId: BY_CALL_ID_SQL, liveCalls: LIVE_CALLS_SQL } as const;
