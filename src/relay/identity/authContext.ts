import type { Role } from '../../shared/sync/entities';
import { RELAY_ERR, type TokenPair } from '../../shared/sync/protocol';
import type { AgentRow } from './accounts';
import { publicAgentOf } from './accountWrites';
import type { Audit } from './audit';
import type { AsyncStoreReads } from '../data/asyncStore';
import type { DeviceRow, IdentityData, IdentityTx } from '../data/identityData';
import { RelayError } from '../core/errors';
import type { LoginThrottle, LoginThrottleOptions } from './loginThrottle';
import { newRefreshToken, hashToken, signAccessToken } from './tokens';

// What the sign-in (signIn.ts) and session (sessions.ts) functions of auth.ts share.

/** Who calls; `expiresAt` (ms) is when the access token it came with stops being valid. */
export type Principal = { agentId: string; role: Role; deviceId: string; expiresAt: number };

export type DeviceInfo = {
  id: string;
  agentId: string;
  name: string;
  createdAt: string;
  lastSeenAt: string;
  revokedAt: string | null;
};

export type AuthOptions = {
  accessTokenTtlMs: number;
  refreshTokenTtlMs: number;
  loginThrottle: LoginThrottleOptions;
  now: () => number;
};

export type AuthCtx = {
  identity: IdentityData;
  /** Where the synced agent records are read (for the agent an app is told it signed in as). */
  records: Pick<AsyncStoreReads, 'get'>;
  secret: Buffer;
  o: AuthOptions;
  onRevoked: (deviceId: string) => void;
  audit: Audit;
  throttle: LoginThrottle;
  /** A throwaway hash, made once, verified against when the email is unknown. */
  dummyHash: Promise<string> | null;
};

/** A new token pair for a device, its refresh token stored in the transaction `tx`. */
export async function issueTokens(
  c: AuthCtx,
  tx: IdentityTx,
  agent: AgentRow,
  deviceId: string,
): Promise<TokenPair> {
  const now = c.o.now();
  const exp = now + c.o.accessTokenTtlMs;
  const refreshToken = newRefreshToken();
  await tx.insertRefreshToken({
    hash: hashToken(refreshToken),
    device_id: deviceId,
    created_at: now,
    expires_at: now + c.o.refreshTokenTtlMs,
  });
  return {
    accessToken: signAccessToken(c.secret, { sub: agent.id, role: agent.role, dev: deviceId, exp }),
    accessExpiresAt: new Date(exp).toISOString(),
    refreshToken,
    deviceId,
    agent: await publicAgentOf(tx, c.records, agent),
    ...(agent.must_change_password ? { mustChangePassword: true } : {}),
  };
}

/** Revokes a device and tells `onRevoked`, so its live sockets are closed. */
export async function revoke(c: AuthCtx, deviceId: string): Promise<void> {
  await c.identity.revokeDevice(deviceId, c.o.now());
  c.onRevoked(deviceId);
}

export const deviceInfo = (d: DeviceRow): DeviceInfo => ({
  id: d.id,
  agentId: d.agent_id,
  name: d.name,
  createdAt: new Date(d.created_at).toISOString(),
  lastSeenAt: new Date(d.last_seen_at).toISOString(),
  revokedAt: d.revoked_at === null ? null : new Date(d.revoked_at).toISOString(),
});

/** The refusal a disabled account gets everywhere, with the admin's reason when one was given. */
export function disabledError(agent: Pick<AgentRow, 'disabled_reason'>): RelayError {
  const why = agent.disabled_reason ? ` (${agent.disabled_reason})` : '';
  return new RelayError(
    RELAY_ERR.ACCOUNT_DISABLED,
    `This account was disabled by an admin${why}; ask an admin to enable it.`,
  );
}

/** New passwords: 8 to 1024 characters. */
export function checkNewPassword(password: string): void {
  if (password.length < 8 || password.length > 1024)
    throw new RelayError(
      RELAY_ERR.VALIDATION,
      'The new password needs at least 8 characters (at most 1024).',
    );
}
