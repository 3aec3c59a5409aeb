import type { TokenPair } from '../../shared/sync/protocol';
import { LOCAL_ERR, LocalError } from '../base/errors';
import * as auth from './authClient';

/** What a call with the agent's token may send (GET with no body unless it says otherwise). */
export type TokenFetchInit = { method?: string; headers?: Record<string, string>; body?: Uint8Array };

/**
 * Signs in over HTTP. When an admin reset the password, nothing else is accepted until the person
 * chooses a new one: with `newPassword` it is set at once, without it PASSWORD_CHANGE_REQUIRED.
 * A refusal is AUTH_FAILED with the relay's sentence.
 */
export async function signIn(
  relayUrl: string,
  a: { email: string; password: string; deviceName: string; newPassword?: string | undefined },
): Promise<TokenPair> {
  try {
    const t = await auth.login(relayUrl, { email: a.email, password: a.password, deviceName: a.deviceName });
    if (t.mustChangePassword) {
      if (a.newPassword === undefined)
        throw new LocalError(
          LOCAL_ERR.PASSWORD_CHANGE_REQUIRED,
          'An admin reset your password: choose a new one to sign in.',
        );
      await auth.changePassword(relayUrl, t.accessToken, {
        currentPassword: a.password,
        newPassword: a.newPassword,
      });
    }
    return t;
  } catch (err) {
    if (err instanceof auth.RelayHttpError)
      throw new LocalError(LOCAL_ERR.AUTH_FAILED, err.message, { code: err.code });
    throw err;
  }
}

/** Calls a relay path with `accessToken`; an unreachable relay is OFFLINE. */
export async function fetchWithToken(
  relayUrl: string,
  path: string,
  accessToken: string,
  timeoutMs: number,
  init: TokenFetchInit,
): Promise<Response> {
  try {
    return await fetch(new URL(path, relayUrl), {
      ...(init.method ? { method: init.method } : {}),
      ...(init.body ? { body: init.body } : {}),
      headers: { ...init.headers, authorization: `Bearer ${accessToken}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new LocalError(LOCAL_ERR.OFFLINE, 'The server cannot be reached.', {
      cause: err instanceof Error ? err.message : String(err),
    });
  }
}
