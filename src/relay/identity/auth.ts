import type { LoginRequest, TokenPair } from '../../shared/sync/protocol';
import type { Audit } from './audit';
import type { AsyncStoreReads } from '../data/asyncStore';
import type { IdentityData } from '../data/identityData';
import { RelayError } from '../core/errors';
import { RELAY_ERR } from '../../shared/sync/protocol';
import { LoginThrottle } from './loginThrottle';
import { deviceInfo, type AuthCtx, type AuthOptions, type DeviceInfo, type Principal } from './authContext';
import { changePassword, login } from './signIn';
import { authenticate, refresh, revokeDevice } from './sessions';

export { checkNewPassword, disabledError, type DeviceInfo, type Principal } from './authContext';

export type Auth = ReturnType<typeof createAuth>;

/**
 * Login, rotating refresh tokens with reuse detection, access-token checks and devices
 * (signIn.ts, sessions.ts). `onRevoked(deviceId)` runs after a device is revoked, so live sockets
 * can be closed.
 */
export function createAuth(
  identity: IdentityData,
  /** Where the synced agent records are read (for the agent an app is told it signed in as). */
  records: Pick<AsyncStoreReads, 'get'>,
  secret: Buffer,
  o: AuthOptions,
  onRevoked: (deviceId: string) => void,
  audit: Audit,
) {
  const c: AuthCtx = {
    identity,
    records,
    secret,
    o,
    onRevoked,
    audit,
    throttle: new LoginThrottle(o.loginThrottle, o.now),
    dummyHash: null,
  };
  const auth = {
    /** Checks the password and registers a new device; throws UNAUTHORIZED with one message for any failure. */
    login: (req: LoginRequest, ip: string | null = null): Promise<TokenPair> => login(c, req, ip),
    /** Changes the caller's own password and ends their other sessions (signIn.ts). */
    changePassword: (p: Principal, current: string, next: string, ip: string | null = null) =>
      changePassword(c, p, current, next, ip),
    /** Drops the refresh tokens of every device of an agent (but `exceptDeviceId`), ending their sessions. */
    endSessions: (agentId: string, exceptDeviceId = ''): Promise<number> =>
      identity.dropAgentTokens(agentId, exceptDeviceId),
    /** Rotates a refresh token. A token used twice means it leaked: the device is revoked. */
    refresh: (refreshToken: string, ip: string | null = null): Promise<TokenPair> =>
      refresh(c, refreshToken, ip),
    /** The caller of an HTTP request, from its `Authorization: Bearer <token>` header. */
    async authenticateRequest(req: { headers: { authorization?: string | undefined } }): Promise<Principal> {
      const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
      if (!m)
        throw new RelayError(
          RELAY_ERR.UNAUTHORIZED,
          'Send an access token as "Authorization: Bearer <token>".',
        );
      return auth.authenticate(m[1]!);
    },
    /** Verifies an access token and that its device and agent are still in good standing. */
    authenticate: (accessToken: string, opts: { passwordChange?: boolean } = {}): Promise<Principal> =>
      authenticate(c, accessToken, opts),
    isRevoked: async (deviceId: string) => (await identity.device(deviceId))?.revoked_at != null,
    touch: (deviceId: string): Promise<void> => identity.touchDevice(deviceId, o.now()),
    /** Own devices; admins see all. */
    devices: async (p: Principal): Promise<DeviceInfo[]> =>
      (await identity.devices(p.role === 'admin' ? null : p.agentId)).map(deviceInfo),
    /** Revokes an own device, or any device for an admin. Others' devices are NOT_FOUND. */
    revokeDevice: (p: Principal, deviceId: string, ip: string | null = null): Promise<DeviceInfo> =>
      revokeDevice(c, p, deviceId, ip),
  };
  return auth;
}
