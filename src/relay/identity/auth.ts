import type { Role } from '../../shared/sync/entities';
import { uuidv7 } from '../../shared/sync/ids';
import { RELAY_ERR, type LoginRequest, type TokenPair } from '../../shared/sync/protocol';
import type { AgentRow } from './accounts';
import { publicAgentOf } from './accountWrites';
import { AUDIT, type Audit } from './audit';
import type { AsyncStoreReads } from '../data/asyncStore';
import type { DeviceRow, IdentityData, IdentityTx } from '../data/identityData';
import { RelayError } from '../core/errors';
import { LoginThrottle, type LoginThrottleOptions } from './loginThrottle';
import { hashPassword, verifyPassword } from './passwords';
import { hashToken, newRefreshToken, signAccessToken, verifyAccessToken } from './tokens';

/** The caller of an HTTP request or sync connection, as checked against the database. */
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

export type Auth = ReturnType<typeof createAuth>;

/**
 * Login, rotating refresh tokens with reuse detection, access-token checks and devices.
 * `onRevoked(deviceId)` runs after a device is revoked, so live sockets can be closed.
 */
export function createAuth(
  identity: IdentityData,
  /** Where the synced agent records are read (for the agent an app is told it signed in as). */
  records: Pick<AsyncStoreReads, 'get'>,
  secret: Buffer,
  o: {
    accessTokenTtlMs: number;
    refreshTokenTtlMs: number;
    loginThrottle: LoginThrottleOptions;
    now: () => number;
  },
  onRevoked: (deviceId: string) => void,
  audit: Audit,
) {
  // Verifying against a throwaway hash when the email is unknown keeps both answers equally slow.
  let dummyHash: Promise<string> | null = null;

  /** A new token pair for a device, its refresh token stored in the transaction `tx`. */
  async function issue(tx: IdentityTx, agent: AgentRow, deviceId: string): Promise<TokenPair> {
    const now = o.now();
    const exp = now + o.accessTokenTtlMs;
    const refreshToken = newRefreshToken();
    await tx.insertRefreshToken({
      hash: hashToken(refreshToken),
      device_id: deviceId,
      created_at: now,
      expires_at: now + o.refreshTokenTtlMs,
    });
    return {
      accessToken: signAccessToken(secret, { sub: agent.id, role: agent.role, dev: deviceId, exp }),
      accessExpiresAt: new Date(exp).toISOString(),
      refreshToken,
      deviceId,
      agent: await publicAgentOf(tx, records, agent),
      ...(agent.must_change_password ? { mustChangePassword: true } : {}),
    };
  }

  async function revoke(deviceId: string): Promise<void> {
    await identity.revokeDevice(deviceId, o.now());
    onRevoked(deviceId);
  }

  const info = (d: DeviceRow): DeviceInfo => ({
    id: d.id,
    agentId: d.agent_id,
    name: d.name,
    createdAt: new Date(d.created_at).toISOString(),
    lastSeenAt: new Date(d.last_seen_at).toISOString(),
    revokedAt: d.revoked_at === null ? null : new Date(d.revoked_at).toISOString(),
  });

  const throttle = new LoginThrottle(o.loginThrottle, o.now);

  return {
    /** Checks the password and registers a new device; throws UNAUTHORIZED with one message for any failure. */
    async login(req: LoginRequest, ip: string | null = null): Promise<TokenPair> {
      const key = req.email.trim().toLowerCase();
      const source = ip ?? 'unknown';
      const refused = throttle.check(source, key);
      if (refused) {
        audit.record({
          actorId: null,
          action: AUDIT.SIGN_IN_THROTTLED,
          target: key,
          detail: { scope: refused.scope },
          ip,
        });
        const seconds = Math.max(1, Math.ceil(refused.retryAfterMs / 1000));
        const minutes = Math.ceil(seconds / 60);
        throw new RelayError(
          RELAY_ERR.RATE_LIMITED,
          refused.scope === 'source'
            ? `Too many failed sign-ins from this address; try again in ${minutes} min or ask an admin.`
            : `Too many failed sign-ins for this account from this address; try again in ${minutes} min or ask an admin to reset the password.`,
          429,
          { retryAfterSeconds: seconds },
        );
      }
      const agent = await identity.agentByEmail(req.email);
      dummyHash ??= hashPassword('not a password');
      const ok = await verifyPassword(req.password, agent?.password_hash ?? (await dummyHash));
      if (!agent || !ok) {
        throttle.fail(source, key);
        audit.record({
          actorId: agent?.id ?? null,
          action: AUDIT.SIGN_IN_FAILED,
          target: key,
          detail: { reason: agent ? 'wrong password' : 'unknown email' },
          ip,
        });
        throw new RelayError(RELAY_ERR.UNAUTHORIZED, 'The email or password is wrong.');
      }
      throttle.succeed(source, key);
      if (agent.disabled) {
        // Said only after the right password, so the answer tells a guesser nothing.
        audit.record({
          actorId: agent.id,
          action: AUDIT.SIGN_IN_FAILED,
          target: key,
          detail: { reason: 'disabled' },
          ip,
        });
        throw disabledError(agent);
      }
      const deviceId = uuidv7(o.now());
      return identity.transaction(async (tx) => {
        const at = o.now();
        await tx.insertDevice({
          id: deviceId,
          agent_id: agent.id,
          name: req.deviceName,
          created_at: at,
          last_seen_at: at,
        });
        await audit.record(
          {
            actorId: agent.id,
            action: AUDIT.SIGN_IN,
            target: deviceId,
            detail: { device: req.deviceName },
            ip,
          },
          tx,
        );
        await tx.markSignedIn(agent.id, at);
        return issue(tx, agent, deviceId);
      });
    },

    /**
     * Changes the caller's own password after checking the current one (wrong guesses count in the
     * sign-in throttle), clears a forced change, and ends every other device's session (their
     * refresh tokens go; the caller closes their sockets). Returns how many sessions were ended.
     */
    async changePassword(
      p: Principal,
      current: string,
      next: string,
      ip: string | null = null,
    ): Promise<{ endedSessions: number }> {
      const agent = await identity.agentById(p.agentId);
      if (!agent) throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no agent ${p.agentId}.`);
      const source = ip ?? 'unknown';
      const refused = throttle.check(source, agent.email);
      if (refused)
        throw new RelayError(
          RELAY_ERR.RATE_LIMITED,
          `Too many wrong passwords; try again in ${Math.ceil(refused.retryAfterMs / 60_000)} min.`,
          429,
          { retryAfterSeconds: Math.max(1, Math.ceil(refused.retryAfterMs / 1000)) },
        );
      if (!(await verifyPassword(current, agent.password_hash))) {
        throttle.fail(source, agent.email);
        throw new RelayError(RELAY_ERR.FORBIDDEN, 'The current password is wrong; type it again.');
      }
      checkNewPassword(next);
      if (next === current)
        throw new RelayError(
          RELAY_ERR.VALIDATION,
          'Choose a new password that differs from the current one.',
        );
      const hash = await hashPassword(next);
      const ended = await identity.transaction(async (tx) => {
        await tx.setPassword(agent.id, hash, false);
        await audit.record(
          {
            actorId: agent.id,
            action: AUDIT.PASSWORD_CHANGED,
            target: agent.id,
            detail: { forced: agent.must_change_password === 1 },
            ip,
          },
          tx,
        );
        return tx.dropAgentTokens(agent.id, p.deviceId);
      });
      return { endedSessions: ended };
    },

    /** Drops the refresh tokens of every device of an agent (but `exceptDeviceId`), ending their sessions. */
    endSessions: (agentId: string, exceptDeviceId = ''): Promise<number> =>
      identity.dropAgentTokens(agentId, exceptDeviceId),

    /** Rotates a refresh token. A token used twice means it leaked: the device is revoked. */
    async refresh(refreshToken: string, ip: string | null = null): Promise<TokenPair> {
      const hash = hashToken(refreshToken);
      const row = await identity.refreshToken(hash);
      if (!row) throw new RelayError(RELAY_ERR.UNAUTHORIZED, 'The refresh token is unknown; sign in again.');
      const device = await identity.device(row.device_id);
      if (!device || device.revoked_at !== null)
        throw new RelayError(RELAY_ERR.DEVICE_REVOKED, 'This device was revoked; sign in again.');
      if (row.used_at !== null) {
        await revoke(row.device_id);
        await audit.record({
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
      if (row.expires_at <= o.now())
        throw new RelayError(RELAY_ERR.TOKEN_EXPIRED, 'The refresh token has expired; sign in again.');
      const agent = await identity.agentById(device.agent_id);
      if (!agent) throw new RelayError(RELAY_ERR.UNAUTHORIZED, 'This account no longer exists.');
      if (agent.disabled) throw disabledError(agent);
      return identity.transaction(async (tx) => {
        // Two refreshes with one token at once: only the first marks it used; the second is a reuse.
        if (!(await tx.useRefreshToken(hash, o.now())))
          throw new RelayError(RELAY_ERR.UNAUTHORIZED, 'This refresh token was already used; sign in again.');
        await tx.touchDevice(device.id, o.now());
        return issue(tx, agent, device.id);
      });
    },

    /** The caller of an HTTP request, from its `Authorization: Bearer <token>` header. */
    async authenticateRequest(req: { headers: { authorization?: string | undefined } }): Promise<Principal> {
      const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
      if (!m)
        throw new RelayError(
          RELAY_ERR.UNAUTHORIZED,
          'Send an access token as "Authorization: Bearer <token>".',
        );
      return this.authenticate(m[1]!);
    },

    /** Verifies an access token and that its device and agent are still in good standing. */
    async authenticate(accessToken: string, opts: { passwordChange?: boolean } = {}): Promise<Principal> {
      const claims = verifyAccessToken(secret, accessToken, o.now());
      const device = await identity.device(claims.dev);
      if (!device || device.agent_id !== claims.sub)
        throw new RelayError(RELAY_ERR.UNAUTHORIZED, 'The access token names an unknown device.');
      if (device.revoked_at !== null)
        throw new RelayError(RELAY_ERR.DEVICE_REVOKED, 'This device was revoked; sign in again.');
      const agent = await identity.agentById(claims.sub);
      if (!agent) throw new RelayError(RELAY_ERR.UNAUTHORIZED, 'This account no longer exists.');
      if (agent.disabled) throw disabledError(agent);
      if (agent.must_change_password && !opts.passwordChange)
        throw new RelayError(
          RELAY_ERR.PASSWORD_CHANGE_REQUIRED,
          'An admin reset this password: sign in again and choose a new one (POST /v1/auth/password).',
        );
      // The role comes from the database, not the token, so a demotion takes effect at once.
      return { agentId: agent.id, role: agent.role, deviceId: device.id, expiresAt: claims.exp };
    },

    isRevoked: async (deviceId: string) => (await identity.device(deviceId))?.revoked_at != null,
    touch: (deviceId: string): Promise<void> => identity.touchDevice(deviceId, o.now()),

    /** Own devices; admins see all. */
    devices: async (p: Principal): Promise<DeviceInfo[]> =>
      (await identity.devices(p.role === 'admin' ? null : p.agentId)).map(info),

    /** Revokes an own device, or any device for an admin. Others' devices are NOT_FOUND. */
    async revokeDevice(p: Principal, deviceId: string, ip: string | null = null): Promise<DeviceInfo> {
      const d = await identity.device(deviceId);
      if (!d || (p.role !== 'admin' && d.agent_id !== p.agentId))
        throw new RelayError(RELAY_ERR.NOT_FOUND, 'There is no such device.');
      await revoke(deviceId);
      await audit.record({
        actorId: p.agentId,
        action: AUDIT.DEVICE_REVOKED,
        target: deviceId,
        detail: { owner: d.agent_id, device: d.name },
        ip,
      });
      return info((await identity.device(deviceId))!);
    },
  };
}

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
