import type { IncomingMessage, ServerResponse } from 'node:http';
import { RELAY_ERR } from '../../../shared/sync/protocol';
import { methodNotAllowed, RelayError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { AttachmentRefused } from './attachments';
import { WIDGET_SCRIPT } from './widgetScript';
import { sendError } from '../../http/reply';
import { targetOf } from '../../http/requestTarget';
import { json, widgetContext, type WidgetHttpDeps } from './widgetContext';
import { AGENT_UPLOAD, ATTACHMENT_PATH, route, WIDGET_PREFIX } from './widgetRoutes';

export type { OfflineRequest, SessionRequest, WidgetHttpDeps } from './widgetContext';

/** Serves `/widget.js` (GET, HEAD), cached five minutes, loadable from any site. */
function serveScript(req: IncomingMessage, res: ServerResponse, path: string, log: Logger): true {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendError(res, methodNotAllowed(`${req.method} is not allowed on ${path}.`, ['GET', 'HEAD']), log);
    return true;
  }
  if (WIDGET_SCRIPT === null) {
    const message = 'This relay was built without the web chat widget: build it with node scripts/build.mjs.';
    sendError(res, new RelayError(RELAY_ERR.NOT_FOUND, message), log);
    return true;
  }
  res
    .writeHead(200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=300',
      'cross-origin-resource-policy': 'cross-origin',
      'x-content-type-options': 'nosniff',
    })
    .end(req.method === 'HEAD' ? undefined : WIDGET_SCRIPT);
  return true;
}

/** The answer to a refusal, with CORS (so the widget can read it) and Allow on a 405. */
function refusal(res: ServerResponse, err: RelayError, cors: Record<string, string>): boolean {
  // An upload refused before its body was read: close, so the rest is not read for nothing.
  if (err.code === RELAY_ERR.TOO_LARGE) res.setHeader('connection', 'close');
  const reason = err instanceof AttachmentRefused ? { reason: err.reason } : {};
  const allow = err.allow ? { allow: err.allow.join(', ') } : {};
  return json(
    res,
    err.httpStatus,
    { error: { code: err.code, message: err.message, ...reason } },
    { ...cors, ...allow },
  );
}

/**
 * The web chat's HTTP side: the widget script, the widget's config (limits, whether anyone is
 * there), sessions, the offline form, visitors' uploads and downloads, and agents' downloads.
 * CORS only for the widget's routes; agents' downloads come from the app's main process.
 */
export function createWidgetHttp(h: WidgetHttpDeps) {
  const c = widgetContext(h);
  /** Serves `/widget.js`, `/v1/widget/*` (sessions, config, offline form, files) and agents' `/v1/attachments/:id`. */
  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const { path } = targetOf(req);
    if (path === '/widget.js') return serveScript(req, res, path, h.log);
    if (!path.startsWith(WIDGET_PREFIX) && !ATTACHMENT_PATH.test(path) && path !== AGENT_UPLOAD) return false;
    const origin = req.headers.origin;
    // Agents' downloads come from the app's main process, never from a page: no CORS for them.
    const cors: Record<string, string> =
      origin && path.startsWith(WIDGET_PREFIX)
        ? { 'access-control-allow-origin': origin, vary: 'Origin' }
        : {};
    if (req.method === 'OPTIONS') {
      res
        .writeHead(204, {
          ...cors,
          'access-control-allow-methods': 'GET, POST',
          'access-control-allow-headers': 'content-type, authorization, x-file-name',
          'access-control-max-age': '600',
        })
        .end();
      return true;
    }
    try {
      return await route(c, req, res, path, cors);
    } catch (err) {
      if (err instanceof RelayError) return refusal(res, err, cors);
      throw err;
    }
  };
}
