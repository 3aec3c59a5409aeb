import type { Database } from './db';
import type { IdentityData, IdentityTx } from './identityData';

// What the voice room (voice/) asks its database besides single records (asyncStore.ts) and the
// directory (identityData.ts): the monitoring grants it issued (SQLite migrations 008 and 012,
// PostgreSQL 010), the voice conversation a call id names, and the calls a restart cut off.
// SQLite answers here, PostgreSQL in postgres/pgVoiceData.ts. Rows keep the SQLite shapes (times
// in ms as numbers), so the room reads the same values on either store.

/** A monitoring grant as kept: who may join which call, and whether it was used or its session ended. */
export type GrantRow = {
  id: string;
  supervisor_id: string;
  agent_id: string;
  conversation_id: string;
  call_id: string;
  mode: string;
  redeemed_at: number | null;
  ended_at: number | null;
};

export type NewGrant = Omit<GrantRow, 'redeemed_at' | 'ended_at'> & { issued_at: number; expires_at: number };

/** A voice conversation whose call was waiting (queued, offered, ringing), with its `call` field. */
export type LiveCallRow = { id: string; inboxId: string; call: unknown };

/** Writes of grants: on a transaction they commit with it; on VoiceData each commits on its own. */
export type GrantWrites = {
  insertGrant(g: NewGrant): Promise<void>;
  /**
   * Marks a grant redeemed at `at`; false when it already was (or is unknown). One statement that
   * only finds it unredeemed once, so of two redemptions at once (on one relay or two) one wins.
   */
  redeemGrant(id: string, at: number): Promise<boolean>;
  /** Records a session's end on its grant; false when an end was recorded already (or it is unknown). */
  endGrant(id: string, at: number, reason: string): Promise<boolean>;
};

/** One transaction of identity (the audit log, synced records in `records`) with grant writes. */
export type VoiceTx = IdentityTx & GrantWrites;

export type VoiceData = GrantWrites & {
  grant(id: string): Promise<GrantRow | null>;
  /** The newest live voice conversation (by its call's time) whose call has this id, or null. */
  conversationOfCall(callId: string): Promise<string | null>;
  /** Voice conversations not resolved whose call is queued, offered or ringing (a restart's orphans). */
  liveCallRows(): Promise<LiveCallRow[]>;
  /**
   * Runs `fn` in one identity transaction (hence the store's) whose grant writes commit with its
   * audit lines. A throw rolls back and rethrows.
   */
  transaction<R>(fn: (tx: VoiceTx) => Promise<R>): Promise<R>;
};

/**
 * VoiceData on the relay's SQLite database. Each statement runs at once, before its promise is
 * returned, so inside `identity`'s transaction (the store's, on the same connection) it is part
 * of it. `identity` must be the repository on `db` (sqliteIdentity.ts).
 */
export function createSqliteVoiceData(db: Database, identity: Pick<IdentityData, 'transaction'>): VoiceData {
  const q = {
    byCallId: db
      .prepare<[string], string>(
        `SELECT id FROM records WHERE entity = 'conversation' AND deleted = 0
           AND json_extract(data, '$.channel') = 'voice' AND json_extract(data, '$.call.callId') = ?
         ORDER BY json_extract(data, '$.call.at') DESC LIMIT 1`,
      )
      .pluck(),
    live: db.prepare<[], { id: string; inboxId: string; call: string }>(
      `SELECT id, json_extract(data, '$.inboxId') AS inboxId, json_extract(data, '$.call') AS call
         FROM records WHERE entity = 'conversation' AND deleted = 0
          AND json_extract(data, '$.channel') = 'voice' AND json_extract(data, '$.status') <> 'resolved'
          AND json_extract(data, '$.call.state') IN ('queued', 'offered', 'ringing')`,
    ),
    insert: db.prepare(
      `INSERT INTO monitoring_grants (id, issued_at, expires_at, supervisor_id, agent_id, conversation_id, call_id, mode)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    grant: db.prepare<[string], GrantRow>(
      `SELECT id, supervisor_id, agent_id, conversation_id, call_id, mode, redeemed_at, ended_at
         FROM monitoring_grants WHERE id = ?`,
    ),
    redeem: db.prepare('UPDATE monitoring_grants SET redeemed_at = ? WHERE id = ? AND redeemed_at IS NULL'),
    end: db.prepare(
      'UPDATE monitoring_grants SET ended_at = ?, ended_reason = ? WHERE id = ? AND ended_at IS NULL',
    ),
  };
  const writes: GrantWrites = {
    insertGrant: async (g) =>
      void q.insert.run(
        g.id,
        g.issued_at,
        g.expires_at,
        g.supervisor_id,
        g.agent_id,
        g.conversation_id,
        g.call_id,
        g.mode,
      ),
    redeemGrant: async (id, at) => q.redeem.run(at, id).changes === 1,
    endGrant: async (id, at, reason) => q.end.run(at, reason, id).changes === 1,
  };
  return {
    ...writes,
    grant: async (id) => q.grant.get(id) ?? null,
    conversationOfCall: async (callId) => q.byCallId.get(callId) ?? null,
    liveCallRows: async () =>
      q.live.all().map((r) => ({ id: r.id, inboxId: r.inboxId, call: JSON.parse(r.call) as unknown })),
    transaction: (fn) => identity.transaction((tx) => fn({ ...tx, ...writes })),
  };
}
