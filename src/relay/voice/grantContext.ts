import { createPublicKey, type KeyObject } from 'node:crypto';
import { GRANT_LIMITS } from '../../shared/monitoring';
import type { AsyncStoreReads } from '../data/asyncStore';
import type { IdentityReads } from '../data/identityData';
import type { VoiceData } from '../data/voiceData';
import type { Audit } from '../identity/audit';
import type { Principal } from '../identity/auth';
import type { Directory } from '../identity/directory';
import { loadMonitoringKey } from './monitoringKey';

// What the monitoring grant functions (grantIssue.ts, grantRedeem.ts) share: deps and key.

/** Call states in which a call can be monitored (the customer is on the line with the agent). */
const LIVE_STATES = new Set(['talking', 'held']);

export type MonitoringOptions = {
  /** How long a grant is good for after it is issued. Default 30 s (1 s to 5 min). */
  grantTtlMs?: number;
};

export type MonitoringGrantsDeps = {
  /** The grants' rows and the call-id lookup (SQLite or PostgreSQL). */
  data: VoiceData;
  /** Where conversations, agents and teams are read (committed data). */
  store: Pick<AsyncStoreReads, 'get'>;
  directory: Pick<Directory, 'oversees' | 'teamIdsOf'>;
  identity: Pick<IdentityReads, 'agentById'>;
  audit: Audit;
  dataDir: string;
  now: () => number;
  options?: MonitoringOptions;
};

/** Who asks, and from where: every attempt goes to the audit log with both. */
export type Asker = { principal: Principal; ip: string | null };

export type GrantCtx = MonitoringGrantsDeps & {
  ttl: number;
  key: { privateKey: KeyObject; publicKeyPem: string };
  publicKey: KeyObject;
};

/** The grants' context: the TTL checked (a clear error at start) and the relay's key. */
export function grantContext(d: MonitoringGrantsDeps): GrantCtx {
  const ttl = d.options?.grantTtlMs ?? GRANT_LIMITS.defaultTtlMs;
  if (!Number.isInteger(ttl) || ttl < GRANT_LIMITS.minTtlMs || ttl > GRANT_LIMITS.maxTtlMs)
    throw new Error(
      `monitoring.grantTtlMs must be a whole number of ms from ${GRANT_LIMITS.minTtlMs} to ${GRANT_LIMITS.maxTtlMs}.`,
    );
  const key = loadMonitoringKey(d.dataDir);
  return { ...d, ttl, key, publicKey: createPublicKey(key.publicKeyPem) };
}

/** The call on a voice conversation, when it is live with an agent. */
export async function liveCall(c: GrantCtx, conversationId: string) {
  const conv = await c.store.get('conversation', conversationId);
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
