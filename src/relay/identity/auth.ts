import type { Role } from '../../shared/sync/entities';
import { uuidv7 } from '../../shared/sync/ids';
import { RELAY_ERR, type LoginRequest, type TokenPair } from '../../shared/sync/protocol';
import type { Accounts, AgentRow } from './accounts';
import { AUDIT, type Audit } from './audit';
import type { Database } from '../data/db';
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

type DeviceRow = {
  id: string;
  agent_id: string;
  name: string;
  created_at: number;
  last_seen_at: number;
  revoked_at: number | null;
};

export type Auth = ReturnType<typeof createAuth>;

/**
 * Login, rotating refresh tokens with reuse detection, access-token checks and devices.
 * `onRevoked(deviceId)` runs after a device is revoked, so live sockets can be closed.
 */
export function createAuth(
  db: Database,
  accounts: Accounts,
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
  const q = {
    device: db.prepare<[string], DeviceRow>('SELECT * FROM devices WHERE id = ?'),
    devicesOf: db.prepare<[string], DeviceRow>(
      'SELECT * FROM devices WHERE agent_id = ? ORDER BY created_at',
    ),
    allDevices: db.prepare<[], DeviceRow>('SELECT * FROM devices ORDER BY created_at'),
    insertDevice: db.prepare(
      'INSERT INTO devices (id, agent_id, name, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)',
    ),
    seen: db.prepare('UPDATE devices SET last_seen_at = ? WHERE id = ?'),
    revoke: db.prepare('UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    dropTokens: db.prepare('DELETE FROM refresh_tokens WHERE device_id = ?'),
    insertToken: db.prepare(
      'INSERT INTO refresh_tokens (hash, device_id, created_at, expires_at) VALUES (?, ?, ?, ?)',
    ),
    token: db.prepare<[string], { device_id: string; expires_at: number; used_at: number | null }>(
      'SELECT * FROM refresh_tokens WHERE hash = ?',
    ),
    useToken: db.prepare('UPDATE refresh_tokens SET used_at = ? WHERE hash = ? AND used_at IS NULL'),
    dropAgentTokens: db.prepare(
      'DELETE FROM refresh_tokens WHERE device_id IN (SELECT id FROM devices WHERE agent_id = ? AND id != ?)',
    ),
  };
  // Verifying against a throwaway hash when the email is unknown keeps both answers equally slow.
  let dummyHash: Promise<string> | null = null;

  function issue(agentId: string, role: Role, deviceId: string): TokenPair {
    const now = o.now();
    const exp = now + o.accessTokenTtlMs;
    const refreshToken = newRefreshToken();
    q.insertToken.run(hashToken(refreshToken), deviceId, now, now + o.refreshTokenTtlMs);
    return {
      accessToken: signAccessToken(secret, { sub: agentId, role, dev: deviceId, exp }),
      accessExpiresAt: new Date(exp).toISOString(),
      refreshToken,
      deviceId,
      agent: accounts.publicAgent(agentId),
      ...(accounts.agentById(agentId)?.must_change_password ? { mustChangePassword: true } : {}),
    };
  }

  function revoke(deviceId: string): void {
    db.transaction(() => {
      q.revoke.run(o.now(), deviceId);
      q.dropTokens.run(deviceId);
    })();
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
      const agent = accounts.agentByEmail(req.email);
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
      return db.transaction(() => {
        q.insertDevice.run(deviceId, agent.id, req.deviceName, o.now(), o.now());
        audit.record({
          actorId: agent.id,
          action: AUDIT.SIGN_IN,
          target: deviceId,
          detail: { device: req.deviceName },
          ip,
        });
        accounts.markSignedIn(agent.id);
        return issue(agent.id, agent.role, deviceId);
      })();
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
      const agent = accounts.requireAgent(p.agentId);
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
      const ended = db.transaction(() => {
        accounts.setPasswordHash(agent.id, hash, false);
        audit.record({
          actorId: agent.id,
          action: AUDIT.PASSWORD_CHANGED,
          target: agent.id,
          detail: { forced: agent.must_change_password === 1 },
          ip,
        });
        return q.dropAgentTokens.run(agent.id, p.deviceId).changes;
      })();
      return { endedSessions: ended };
    },

    /** Drops the refresh tokens of every device of an agent (but `exceptDeviceId`), ending their sessions. */
    endSessions(agentId: string, exceptDeviceId = ''): number {
      return q.dropAgentTokens.run(agentId, exceptDeviceId).changes;
    },

    /** Rotates a refresh token. A token used twice means it leaked: the device is revoked. */
    refresh(refreshToken: string, ip: string | null = null): TokenPair {
      const hash = hashToken(refreshToken);
      const row = q.token.get(hash);
      if (!row) throw new RelayError(RELAY_ERR.UNAUTHORIZED, 'The refresh token is unknown; sign in again.');
      const device = q.device.get(row.device_id);
      if (!device || device.revoked_at !== null)
        throw new RelayError(RELAY_ERR.DEVICE_REVOKED, 'This device was revoked; sign in again.');
      if (row.used_at !== null) {
        revoke(row.device_id);
        audit.record({
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
      const agent = accounts.agentById(device.agent_id);
      if (!agent) throw new RelayError(RELAY_ERR.UNAUTHORIZED, 'This account no longer exists.');
      if (agent.disabled) throw disabledError(agent);
      return db.transaction(() => {
        q.useToken.run(o.now(), hash);
        q.seen.run(o.now(), device.id);
        return issue(agent.id, agent.role, device.id);
      })();
    },

    /** The caller of an HTTP request, from its `Authorization: Bearer <token>` header. */
    authenticateRequest(req: { headers: { authorization?: string | undefined } }): Principal {
      const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
      if (!m)
        throw new RelayError(
          RELAY_ERR.UNAUTHORIZED,
          'Send an access token as "Authorization: Bearer <token>".',
        );
      return this.authenticate(m[1]!);
    },

    /** Verifies an access token and that its device and agent are still in good standing. */
    authenticate(accessToken: string, opts: { passwordChange?: boolean } = {}): Principal {
      const claims = verifyAccessToken(secret, accessToken, o.now());
      const device = q.device.get(claims.dev);
      if (!device || device.agent_id !== claims.sub)
        throw new RelayError(RELAY_ERR.UNAUTHORIZED, 'The access token names an unknown device.');
      if (device.revoked_at !== null)
        throw new RelayError(RELAY_ERR.DEVICE_REVOKED, 'This device was revoked; sign in again.');
      const agent = accounts.agentById(claims.sub);
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

    isRevoked: (deviceId: string) => q.device.get(deviceId)?.revoked_at != null,
    touch: (deviceId: string) => void q.seen.run(o.now(), deviceId),

    /** Own devices; admins see all. */
    devices(p: Principal): DeviceInfo[] {
      return (p.role === 'admin' ? q.allDevices.all() : q.devicesOf.all(p.agentId)).map(info);
    },

    /** Revokes an own device, or any device for an admin. Others' devices are NOT_FOUND. */
    revokeDevice(p: Principal, deviceId: string, ip: string | null = null): DeviceInfo {
      const d = q.device.get(deviceId);
      if (!d || (p.role !== 'admin' && d.agent_id !== p.agentId))
        throw new RelayError(RELAY_ERR.NOT_FOUND, 'There is no such device.');
      revoke(deviceId);
      audit.record({
        actorId: p.agentId,
        action: AUDIT.DEVICE_REVOKED,
        target: deviceId,
        detail: { owner: d.agent_id, device: d.name },
        ip,
      });
      return info(q.device.get(deviceId)!);
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
