import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RELAY_ERR } from '../../shared/sync/protocol';
import { methodNotAllowed, RelayError } from '../core/errors';
import { sendError, sendJson } from './reply';
import { decodeParam, targetOf } from './requestTarget';
import { RELAY_ROUTES as R } from '../../shared/relayRoutes';
import { createApiContext, type CoreApiDeps, type CoreRoute } from './apiContext';
import { adminRoutes, sessionRoutes } from './sessionAndAdminRoutes';
import { routingRoutes } from './routingRoutes';

/** Constant-time comparison of two secrets of any length (hashing first equalizes the lengths). */
function sameSecret(a: string, b: string): boolean {
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(a), h(b));
}

/** What a caller is told of a failure the relay did not expect (logged, with its path, first). */
const internalError = () =>
  new RelayError(RELAY_ERR.INTERNAL, 'The relay failed to handle this request.', 500);

/** Routes anyone may call; every other route checks the caller's token before anything else. */
const PUBLIC = new Set<string>([R.login.pattern, R.refresh.pattern]);

/**
 * The relay's HTTP API: metrics, auth, devices and admin (sessionAndAdminRoutes.ts, routingRoutes.ts).
 * Errors are `{error:{code,message}}`.
 */
export function createHttpHandler(d: CoreApiDeps) {
  const c = createApiContext(d);
  const routes: CoreRoute[] = [...sessionRoutes(c), ...adminRoutes(c), ...routingRoutes(c)];

  /**
   * Metrics show load and activity, so they need a token: the metrics token, or an admin's access
   * token. Loopback alone is not trusted: behind a reverse proxy every request comes from loopback.
   */
  async function authorizeMetrics(req: IncomingMessage): Promise<void> {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (token === undefined)
      throw new RelayError(
        RELAY_ERR.UNAUTHORIZED,
        'Reading /metrics needs "Authorization: Bearer <token>": the relay\'s metrics token (--metrics-token) or an admin\'s access token.',
      );
    if (d.metricsToken !== undefined && sameSecret(token, d.metricsToken)) return;
    await c.admin(req);
  }

  return async (req: IncomingMessage, res: ServerResponse, metricsText: () => string): Promise<void> => {
    let path = '';
    try {
      path = targetOf(req).path;
      if (req.method === 'GET' && path === '/metrics') {
        await authorizeMetrics(req);
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(metricsText());
        return;
      }
      const matches = routes.filter(([, re]) => re.test(path));
      const route = matches.find(([method]) => method === req.method);
      if (!route) {
        if (matches.length > 0)
          throw methodNotAllowed(
            `${req.method} is not allowed on ${path}.`,
            matches.map(([method]) => method),
          );
        throw new RelayError(RELAY_ERR.NOT_FOUND, `There is nothing at ${path}.`);
      }
      // Who calls before what they name: a stranger learns nothing about which ids exist.
      if (!PUBLIC.has(path)) await c.caller(req);
      const params = route[1].exec(path)!.slice(1).map(decodeParam);
      sendJson(res, 200, await route[2](req, params));
    } catch (err) {
      if (!(err instanceof RelayError)) d.log.error({ err, path }, 'http request failed');
      sendError(res, err instanceof RelayError ? err : internalError(), d.log);
    }
  };
}
