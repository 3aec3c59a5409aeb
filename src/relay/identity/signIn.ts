import { uuidv7 } from '../../shared/sync/ids';
import { RELAY_ERR, type LoginRequest, type TokenPair } from '../../shared/sync/protocol';
import type { AgentRow } from './accounts';
import { AUDIT } from './audit';
import { RelayError } from '../core/errors';
import type { ThrottleVerdict } from './loginThrottle';
import { hashPassword, verifyPassword } from './passwords';
import { checkNewPassword, disabledError, issueTokens, type AuthCtx, type Principal } from './authContext';

// Signing in and changing one's own password, both counted by the sign-in throttle.

/** The audited answer to a sign-in the throttle holds back, with when to try again. */
function throttled(c: AuthCtx, refused: ThrottleVerdict, key: string, ip: string | null): RelayError {
  c.audit.record({
    actorId: null,
    action: AUDIT.SIGN_IN_THROTTLED,
    target: key,
    detail: { scope: refused.scope },
    ip,
  });
  const seconds = Math.max(1, Math.ceil(refused.retryAfterMs / 1000));
  const minutes = Math.ceil(seconds / 60);
  return new RelayError(
    RELAY_ERR.RATE_LIMITED,
    refused.scope === 'source'
      ? `Too many failed sign-ins from this address; try again in ${minutes} min or ask an admin.`
      : `Too many failed sign-ins for this account from this address; try again in ${minutes} min or ask an admin to reset the password.`,
    429,
    { retryAfterSeconds: seconds },
  );
}

/** The agent whose email and password these are, enabled; one audited refusal for any failure. */
async function checkCredentials(c: AuthCtx, req: LoginRequest, ip: string | null): Promise<AgentRow> {
  const key = req.email.trim().toLowerCase();
  const source = ip ?? 'unknown';
  const refused = c.throttle.check(source, key);
  if (refused) throw throttled(c, refused, key, ip);
  const agent = await c.identity.agentByEmail(req.email);
  // Verifying against a throwaway hash when the email is unknown keeps both answers equally slow.
  c.dummyHash ??= hashPassword('not a password');
  const ok = await verifyPassword(req.password, agent?.password_hash ?? (await c.dummyHash));
  if (!agent || !ok) {
    c.throttle.fail(source, key);
    c.audit.record({
      actorId: agent?.id ?? null,
      action: AUDIT.SIGN_IN_FAILED,
      target: key,
      detail: { reason: agent ? 'wrong password' : 'unknown email' },
      ip,
    });
    throw new RelayError(RELAY_ERR.UNAUTHORIZED, 'The email or password is wrong.');
  }
  c.throttle.succeed(source, key);
  if (agent.disabled) {
    // Said only after the right password, so the answer tells a guesser nothing.
    c.audit.record({
      actorId: agent.id,
      action: AUDIT.SIGN_IN_FAILED,
      target: key,
      detail: { reason: 'disabled' },
      ip,
    });
    throw disabledError(agent);
  }
  return agent;
}

/** Checks the password and registers a new device; throws UNAUTHORIZED with one message for any failure. */
export async function login(c: AuthCtx, req: LoginRequest, ip: string | null): Promise<TokenPair> {
  const agent = await checkCredentials(c, req, ip);
  const deviceId = uuidv7(c.o.now());
  return c.identity.transaction(async (tx) => {
    const at = c.o.now();
    await tx.insertDevice({
      id: deviceId,
      agent_id: agent.id,
      name: req.deviceName,
      created_at: at,
      last_seen_at: at,
    });
    await c.audit.record(
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
    return issueTokens(c, tx, agent, deviceId);
  });
}

/**
 * Changes the caller's own password after checking the current one (wrong guesses count in the
 * sign-in throttle), clears a forced change, and ends every other device's session (their
 * refresh tokens go; the caller closes their sockets). Returns how many sessions were ended.
 */
export async function changePassword(
  c: AuthCtx,
  p: Principal,
  current: string,
  next: string,
  ip: string | null,
): Promise<{ endedSessions: number }> {
  const agent = await c.identity.agentById(p.agentId);
  if (!agent) throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no agent ${p.agentId}.`);
  const source = ip ?? 'unknown';
  const refused = c.throttle.check(source, agent.email);
  if (refused)
    throw new RelayError(
      RELAY_ERR.RATE_LIMITED,
      `Too many wrong passwords; try again in ${Math.ceil(refused.retryAfterMs / 60_000)} min.`,
      429,
      { retryAfterSeconds: Math.max(1, Math.ceil(refused.retryAfterMs / 1000)) },
    );
  if (!(await verifyPassword(current, agent.password_hash))) {
    c.throttle.fail(source, agent.email);
    throw new RelayError(RELAY_ERR.FORBIDDEN, 'The current password is wrong; type it again.');
  }
  checkNewPassword(next);
  if (next === current)
    throw new RelayError(RELAY_ERR.VALIDATION, 'Choose a new password that differs from the current one.');
  const hash = await hashPassword(next);
  const ended = await c.identity.transaction(async (tx) => {
    await tx.setPassword(agent.id, hash, false);
    await c.audit.record(
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
}
