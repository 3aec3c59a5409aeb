import type { IncomingMessage } from 'node:http';
import { RELAY_ERR } from '../../shared/sync/protocol';
import { RelayError } from '../core/errors';
import { KeyedBuckets, type Rate } from '../core/rateLimit';
import { targetOf } from './requestTarget';

/** Paths whose every request costs a password hash or mints tokens: limited harder. */
const AUTH_PREFIX = '/v1/auth/';

/**
 * The per-source request rate of plain HTTP (and WebSocket upgrades): every request takes a token
 * of its source address's `http` bucket, and sign-ins and refreshes one of its `auth` bucket too.
 * `check` throws RELAY_ERR_RATE_LIMITED (429, with Retry-After) when a bucket is empty. In memory,
 * per relay process; frames on open sockets have their own limits.
 */
export function createHttpRateLimit(o: { http: Rate; auth: Rate; now: () => number }) {
  const http = new KeyedBuckets(o.http, o.now);
  const auth = new KeyedBuckets(o.auth, o.now);

  const refuse = (waitMs: number, what: string) =>
    new RelayError(
      RELAY_ERR.RATE_LIMITED,
      `Too many ${what} from your address; try again in ${Math.ceil(waitMs / 1000)} s.`,
      429,
      { retryAfterSeconds: Math.ceil(waitMs / 1000) },
    );

  return {
    check(req: IncomingMessage): void {
      const source = req.socket.remoteAddress ?? '';
      const wait = http.take(source);
      if (wait > 0) throw refuse(wait, 'requests');
      if (targetOf(req).path.startsWith(AUTH_PREFIX)) {
        const authWait = auth.take(source);
        if (authWait > 0) throw refuse(authWait, 'sign-in attempts');
      }
    },
  };
}
