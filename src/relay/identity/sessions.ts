import { RELAY_ERR, type TokenPair } from '../../shared/sync/protocol';
import { AUDIT } from './audit';
import { RelayError } from '../core/errors';
import { hashToken, verifyAccessToken } from './tokens';
import {
  deviceInfo,
  disabledError,
  issueTokens,
  revoke,
  type AuthCtx,
  type DeviceInfo,
  type Principal,
} from './authContext';

// A signed-in device's session: refreshing its tokens, checking its access token, revoking it.

/** Rotates a refresh token. A token used twice means it leaked: the device is revoked. */
export async function refresh(c: AuthCtx, refreshToken: string, ip: string | null): Promise<TokenPair> {
  const hash = hashToken(refreshToken);
  const row = await c.identity.refreshToken(hash);
  if (!row) throw new RelayError(RELAY_ERR.UNAUTHORIZED, 'The refresh token is unknown; sign in again.');
  const device = await c.identity.device(row.device_id);
  if (!device || device.revoked_at !== null)
    throw new RelayError(RELAY_ERR.DEVICE_REVOKED, 'This device was revoked; sign in again.');
  if (row.used_at !== null) {
    await revoke(c, row.device_id);
    await c.audit.record({
      actorId: device.agent_id,
      action: AUDIT.REFRESH_REUSED,
      target: device.id,
      detail: { device: device.name },
      ip,
    });
    throw new RelayError(
      RELAY_ERR.DEVICE_REVOKED,
      'This refresh token was already used, so the device was revoked; sign in again.',
    );
  }
  if (row.expires_at <= c.o.now())
    throw new RelayError(RELAY_ERR.TOKEN_EXPIRED, 'The refresh token has expired; sign in again.');
  const agent = await c.identity.agentById(device.agent_id);
  if (!agent) throw new RelayError(RELAY_ERR.UNAUTHORIZED, 'This account no longer exists.');
  if (agent.disabled) throw disabledError(agent);
  return c.identity.transaction(async (tx) => {
    // Two refreshes with one token at once: only the first marks it used; the second is a reuse.
    if (!(await tx.useRefreshToken(hash, c.o.now())))
      throw new RelayError(RELAY_ERR.UNAUTHORIZED, 'This refresh token was already used; sign in again.');
    await tx.touchDevice(device.id, c.o.now());
    return issueTokens(c, tx, agent, device.id);
  });
}

/** Verifies an access token and that its device and agent are still in good standing. */
export async function authenticate(
  c: AuthCtx,
  accessToken: string,
  opts: { passwordChange?: boolean },
): Promise<Principal> {
  const claims = verifyAccessToken(c.secret, accessToken, c.o.now());
  const device = await c.identity.device(claims.dev);
  if (!device || device.agent_id !== claims.sub)
    throw new RelayError(RELAY_ERR.UNAUTHORIZED, 'The access token names an unknown device.');
  if (device.revoked_at !== null)
    throw new RelayError(RELAY_ERR.DEVICE_REVOKED, 'This device was revoked; sign in again.');
  const agent = await c.identity.agentById(claims.sub);
  if (!agent) throw new RelayError(RELAY_ERR.UNAUTHORIZED, 'This account no longer exists.');
  if (agent.disabled) throw disabledError(agent);
  if (agent.must_change_password && !opts.passwordChange)
    throw new RelayError(
      RELAY_ERR.PASSWORD_CHANGE_REQUIRED,
      'An admin reset this password: sign in again and choose a new one (POST /v1/auth/password).',
    );
  // The role comes from the database, not the token, so a demotion takes effect at once.
  return { agentId: agent.id, role: agent.role, deviceId: device.id, expiresAt: claims.exp };
}

/** Revokes an own device, or any device for an admin. Others' devices are NOT_FOUND. */
export async function revokeDevice(
  c: AuthCtx,
  p: Principal,
  deviceId: string,
  ip: string | null,
): Promise<DeviceInfo> {
  const d = await c.identity.device(deviceId);
  if (!d || (p.role !== 'admin' && d.agent_id !== p.agentId))
    throw new RelayError(RELAY_ERR.NOT_FOUND, 'There is no such device.');
  await revoke(c, deviceId);
  await c.audit.record({
    actorId: p.agentId,
    action: AUDIT.DEVICE_REVOKED,
    target: deviceId,
    detail: { owner: d.agent_id, device: d.name },
    ip,
  });
  return deviceInfo((await c.identity.device(deviceId))!);
}
