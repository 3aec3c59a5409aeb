import { ExpectedError } from '../../shared/errors';
import type { LoginRequest, RelayErrorCode, TokenPair } from '../../shared/sync/protocol';
import { LOCAL_ERR, LocalError } from '../base/errors';
import { RELAY_ROUTES } from '../../shared/relayRoutes';

/** A relay HTTP call that was refused (see ExpectedError): the relay's code and sentence, and the HTTP status. */
export class RelayHttpError extends ExpectedError<RelayErrorCode | string> {
  constructor(
    code: RelayErrorCode | string,
    message: string,
    readonly status: number,
  ) {
    super(code, message);
    this.name = 'RelayHttpError';
  }
}

/** The tokens kept (encrypted, in the store) between runs. */
export type Session = Pick<TokenPair, 'accessToken' | 'accessExpiresAt' | 'refreshToken' | 'deviceId'>;

async function post(
  baseUrl: string,
  path: string,
  body: unknown,
  timeoutMs: number,
  headers: Record<string, string> = {},
): Promise<TokenPair> {
  let res: Response;
  try {
    res = await fetch(new URL(path, baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new LocalError(LOCAL_ERR.OFFLINE, 'The server cannot be reached.', {
      cause: err instanceof Error ? err.message : String(err),
    });
  }
  const json = (await res.json().catch(() => null)) as
    { error?: { code?: string; message?: string } } | TokenPair | null;
  if (!res.ok) {
    const e = json && 'error' in json ? json.error : undefined;
    throw new RelayHttpError(
      e?.code ?? `HTTP_${res.status}`,
      e?.message ?? `The server answered ${res.status}.`,
      res.status,
    );
  }
  return json as TokenPair;
}

/** `POST /v1/auth/login`: email, password and a device name for a token pair. Timeout default 15 s. */
export function login(baseUrl: string, req: LoginRequest, timeoutMs = 15_000): Promise<TokenPair> {
  return post(baseUrl, RELAY_ROUTES.login.pattern, req, timeoutMs);
}

/** `POST /v1/auth/password` with an access token: the current and a new password. Timeout default 15 s. */
export async function changePassword(
  baseUrl: string,
  accessToken: string,
  body: { currentPassword: string; newPassword: string },
  timeoutMs = 15_000,
): Promise<void> {
  await post(baseUrl, RELAY_ROUTES.changePassword.pattern, body, timeoutMs, {
    authorization: `Bearer ${accessToken}`,
  });
}

/** `POST /v1/auth/refresh`: a fresh token pair for a refresh token. Timeout default 15 s. */
export function refresh(baseUrl: string, refreshToken: string, timeoutMs = 15_000): Promise<TokenPair> {
  return post(baseUrl, RELAY_ROUTES.refresh.pattern, { refreshToken }, timeoutMs);
}
