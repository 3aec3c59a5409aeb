import { LOCAL_ERR, LocalError } from '../base/errors';

/** What a service may send the relay with the agent's token (see SessionService.relayFetch). */
export type RelayInit = { method?: string; headers?: Record<string, string>; body?: Uint8Array };
export type RelayFetch = (path: string, init?: RelayInit, timeoutMs?: number) => Promise<Response>;

/** A request whose body is `body` as JSON (none when undefined). */
export function jsonRequest(method: string, body?: unknown): RelayInit {
  return body === undefined
    ? { method }
    : { method, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)) };
}

/** The relay's JSON answer, or null when it sent none (or not JSON). */
export function answerOf<T = unknown>(res: Response): Promise<T | null> {
  return (res.json() as Promise<T>).catch(() => null);
}

/**
 * The relay's refusal as the error a person sees: the relay's own sentence when it gave one,
 * AUTH_FAILED when the token was refused (401), INVALID_MUTATION otherwise.
 */
export function refusalOf(status: number, answer: unknown): LocalError {
  const message = (answer as { error?: { message?: unknown } } | null)?.error?.message;
  return new LocalError(
    status === 401 ? LOCAL_ERR.AUTH_FAILED : LOCAL_ERR.INVALID_MUTATION,
    typeof message === 'string' ? message : `The server answered ${status}.`,
  );
}

/** Sends a request and answers the response when it is 2xx; throws the relay's refusal otherwise. */
export async function relayOk(relay: RelayFetch, path: string, init?: RelayInit): Promise<Response> {
  const res = await relay(path, init);
  if (res.ok) return res;
  throw refusalOf(res.status, await answerOf(res));
}

/** Sends a JSON request and answers the relay's JSON answer; throws the relay's refusal otherwise. */
export async function relayJson<T>(
  relay: RelayFetch,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await relay(path, jsonRequest(method, body));
  const answer = await answerOf<T>(res);
  if (!res.ok || answer === null) throw refusalOf(res.status, answer);
  return answer;
}
