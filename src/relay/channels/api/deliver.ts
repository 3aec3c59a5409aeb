import { createHmac } from 'node:crypto';
import { literalRefusal, PRIVATE_ADDRESS, publicOnlyDispatcher } from '../../core/publicAddress';

/** Headers of every webhook request (lower-case, as Node's HTTP server reads them). */
export const WEBHOOK_HEADERS = {
  signature: 'x-switchboard-signature',
  timestamp: 'x-switchboard-timestamp',
  idempotencyKey: 'idempotency-key',
} as const;

/**
 * The signature of a webhook request: HMAC-SHA256 with the inbox's secret over
 * `${timestamp}.${body}` (timestamp in Unix seconds, body the exact bytes sent), hex.
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * What one attempt came to: `delivered` (2xx), `refused` (the receiver will not take it: 4xx other
 * than 408 and 429, or a redirect), or `retry` (5xx, 408, 429, no connection, timeout), each with a
 * sentence for the agent and the log.
 */
export type Attempt = { outcome: 'delivered' | 'refused' | 'retry'; reason: string };

/** How much of a receiver's answer is kept as the reason (characters). */
const REASON_CHARS = 300;

/** Reads at most `max` bytes of a response body, then lets the rest go. */
async function headOf(res: Response, max = 2048): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(parts).subarray(0, max).toString('utf8');
}

/** The receiver's own words: `error.message`, `message` or `error` of a JSON answer, else its text. */
function wordsOf(text: string): string {
  try {
    const j = JSON.parse(text) as Record<string, unknown>;
    const e = j['error'];
    const m = (e && typeof e === 'object' ? (e as Record<string, unknown>)['message'] : e) ?? j['message'];
    if (typeof m === 'string' && m.trim()) return m.trim().slice(0, REASON_CHARS);
  } catch {
    // not JSON: the text itself
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, REASON_CHARS);
}

/**
 * POSTs one signed JSON body to `url` [timeoutMs default 10 s] with X-Switchboard-Signature,
 * X-Switchboard-Timestamp and Idempotency-Key, and sorts the answer into an Attempt. Never throws.
 * Unless `allowPrivateNetworks`, a host that is (or resolves to) a private, loopback, link-local or
 * reserved address is refused before anything is sent (see publicAddress.ts).
 */
export async function postWebhook(a: {
  url: string;
  secret: string;
  body: string;
  idempotencyKey: string;
  nowMs: number;
  timeoutMs?: number;
  /** Aborts the attempt (the relay is closing); it then answers `retry`. */
  signal?: AbortSignal;
  /** Post to loopback and private networks too (an on-premises receiver, tests). Default false. */
  allowPrivateNetworks?: boolean;
}): Promise<Attempt> {
  const timestamp = Math.floor(a.nowMs / 1000);
  const privateHint =
    'the relay posts webhooks to public addresses only (an operator may allow private networks with allowPrivateNetworks in --webhook-options)';
  if (!a.allowPrivateNetworks) {
    const literal = literalRefusal(new URL(a.url));
    if (literal) return { outcome: 'refused', reason: `The webhook's host ${literal}: ${privateHint}.` };
  }
  let res: Response;
  try {
    res = await fetch(a.url, {
      // undici's Agent is the dispatcher Node's fetch runs on; its types are a copy of undici's
      // own (undici-types), which TypeScript tells apart, hence the cast.
      ...(a.allowPrivateNetworks
        ? {}
        : { dispatcher: publicOnlyDispatcher() as unknown as NonNullable<RequestInit['dispatcher']> }),
      method: 'POST',
      redirect: 'manual',
      signal: a.signal
        ? AbortSignal.any([a.signal, AbortSignal.timeout(a.timeoutMs ?? 10_000)])
        : AbortSignal.timeout(a.timeoutMs ?? 10_000),
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'Switchboard-Webhook/1',
        [WEBHOOK_HEADERS.signature]: signWebhook(a.secret, timestamp, a.body),
        [WEBHOOK_HEADERS.timestamp]: String(timestamp),
        [WEBHOOK_HEADERS.idempotencyKey]: a.idempotencyKey,
      },
      body: a.body,
    });
  } catch (err) {
    const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
    if (e.cause?.code === PRIVATE_ADDRESS)
      return { outcome: 'refused', reason: `The webhook's host ${e.cause.message}: ${privateHint}.` };
    if (e.name === 'TimeoutError')
      return {
        outcome: 'retry',
        reason: `The webhook did not answer within ${(a.timeoutMs ?? 10_000) / 1000} s.`,
      };
    // fetch never connects to ports on the Fetch standard's blocked list (25, 6000, ...): no retry helps.
    if (e.cause?.message === 'bad port')
      return {
        outcome: 'refused',
        reason: `The webhook's port ${new URL(a.url).port} is one the relay may not connect to (reserved); use another.`,
      };
    const why = e.cause?.code ?? e.cause?.message ?? e.message ?? 'unknown error';
    return { outcome: 'retry', reason: `The webhook could not be reached (${why}).` };
  }
  const words = wordsOf(await headOf(res).catch(() => ''));
  const said = `The webhook answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${words ? `: ${words}` : '.'}`;
  if (res.status >= 200 && res.status < 300) return { outcome: 'delivered', reason: said };
  if (res.status >= 300 && res.status < 400)
    return {
      outcome: 'refused',
      reason: `The webhook answered ${res.status} (a redirect${res.headers.get('location') ? ` to ${res.headers.get('location')}` : ''}); set the final URL.`,
    };
  if (res.status === 408 || res.status === 429 || res.status >= 500)
    return { outcome: 'retry', reason: said };
  return { outcome: 'refused', reason: said };
}
