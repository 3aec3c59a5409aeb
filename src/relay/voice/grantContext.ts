import { createPublicKey, type KeyObject } from 'node:crypto';
import { GRANT_LIMITS } from '../../shared/monitoring';
import type { Accounts } from '../identity/accounts';
import type { Audit } from '../identity/audit';
import type { Principal } from '../identity/auth';
import type { Database } from '../data/db';
import type { Store } from '../data/store';
import { loadMonitoringKey } from './monitoringKey';

// What the monitoring grant functions (grantIssue.ts, grantRedeem.ts) share: deps, key, statements.

/** Call states in which a call can be monitored (the customer is on the line with the agent). */
const LIVE_STATES = new Set(['talking', 'held']);

export type MonitoringOptions = {
  /** How long a grant is good for after it is issued. Default 30 s (1 s to 5 min). */
  grantTtlMs?: number;
};

export type MonitoringGrantsDeps = {
  db: Database;
  store: Store;
  accounts: Accounts;
  audit: Audit;
  dataDir: string;
  now: () => number;
  options?: MonitoringOptions;
};

/** Who asks, and from where: every attempt goes to the audit log with both. */
export type Asker = { principal: Principal; ip: string | null };

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

export type GrantCtx = MonitoringGrantsDeps & {
  ttl: number;
  key: { privateKey: KeyObject; publicKeyPem: string };
  publicKey: KeyObject;
  q: ReturnType<typeof statements>;
};

function statements(db: Database) {
  return {
    byCallId: db
      .prepare<[string], string>(
        `SELECT id FROM records WHERE entity = 'conversation' AND deleted = 0
           AND json_extract(data, '$.channel') = 'voice' AND json_extract(data, '$.call.callId') = ?
         ORDER BY json_extract(data, '$.call.at') DESC LIMIT 1`,
      )
      .pluck(),
    insert: db.prepare(
      `INSERT INTO monitoring_grants (id, issued_at, expires_at, supervisor_id, agent_id, conversation_id, call_id, mode)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    grant: db.prepare<[string], GrantRow>('SELECT * FROM monitoring_grants WHERE id = ?'),
    redeem: db.prepare('UPDATE monitoring_grants SET redeemed_at = ? WHERE id = ? AND redeemed_at IS NULL'),
    end: db.prepare(
      'UPDATE monitoring_grants SET ended_at = ?, ended_reason = ? WHERE id = ? AND ended_at IS NULL',
    ),
  };
}

/** The grants' context: the TTL checked (a clear error at start), the relay's key, the statements. */
export function grantContext(d: MonitoringGrantsDeps): GrantCtx {
  const ttl = d.options?.grantTtlMs ?? GRANT_LIMITS.defaultTtlMs;
  if (!Number.isInteger(ttl) || ttl < GRANT_LIMITS.minTtlMs || ttl > GRANT_LIMITS.maxTtlMs)
    throw new Error(
      `monitoring.grantTtlMs must be a whole number of ms from ${GRANT_LIMITS.minTtlMs} to ${GRANT_LIMITS.maxTtlMs}.`,
    );
  const key = loadMonitoringKey(d.dataDir);
  return { ...d, ttl, key, publicKey: createPublicKey(key.publicKeyPem), q: statements(d.db) };
}

/** The call on a voice conversation, when it is live with an agent. */
export function liveCall(c: GrantCtx, conversationId: string) {
  const conv = c.store.get('conversation', conversationId);
  if (!conv || conv.deleted || conv.data['channel'] !== 'voice') return null;
  const call = conv.data['call'] as { state?: unknown; callId?: unknown; agentId?: unknown } | undefined;
  if (!call || typeof call.callId !== 'string' || typeof call.agentId !== 'string') return null;
  if (!LIVE_STATES.has(String(call.state))) return null;
  return {
    conversationId,
    teamId: (conv.data['teamId'] as string | null | undefined) ?? null,
    callId: call.callId,
    agentId: call.agentId,
  };
}
