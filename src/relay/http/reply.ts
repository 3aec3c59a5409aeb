import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { RELAY_ERR } from '../../shared/sync/protocol';
import { describeIssues, RelayError } from '../core/errors';
import { DEFAULT_MAX_JSON_DEPTH, parseJsonInput } from './jsonLimits';
import type { Logger } from '../core/logger';
import type { z } from 'zod';

/** A JSON answer that is never cached. */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
    .end(JSON.stringify(value));
}

/**
 * `{error:{code,message}}` for a RelayError (with its `Retry-After` or `Allow`); anything else is
 * logged and answered as an internal error.
 */
export function sendError(res: ServerResponse, err: unknown, log: Logger): void {
  if (!(err instanceof RelayError)) {
    log.error({ err }, 'request failed');
    err = new RelayError(RELAY_ERR.INTERNAL, 'The relay failed to handle this request.', 500);
  }
  const e = err as RelayError;
  if (res.headersSent) return void res.destroy();
  if (e.code === RELAY_ERR.TOO_LARGE) res.setHeader('connection', 'close');
  if (e.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(e.retryAfterSeconds));
  if (e.allow !== undefined) res.setHeader('allow', e.allow.join(', '));
  sendJson(res, e.httpStatus, { error: { code: e.code, message: e.message } });
}

/**
 * Answers an upgrade request the relay will not take (an HTTP response on the raw socket, then
 * close): a RelayError with its status and code, anything else logged and answered 500.
 */
export function refuseUpgrade(socket: Duplex, err: unknown, log: Logger): void {
  if (!(err instanceof RelayError)) {
    log.error({ err }, 'upgrade failed');
    err = new RelayError(RELAY_ERR.INTERNAL, 'The relay failed to handle this request.', 500);
  }
  const e = err as RelayError;
  if (!socket.writable) return void socket.destroy();
  const body = JSON.stringify({ error: { code: e.code, message: e.message } });
  socket.end(
    `HTTP/1.1 ${e.httpStatus} ${STATUS_CODES[e.httpStatus] ?? 'Error'}\r\n` +
      'Connection: close\r\nContent-Type: application/json; charset=utf-8\r\n' +
      (e.retryAfterSeconds === undefined ? '' : `Retry-After: ${e.retryAfterSeconds}\r\n`) +
      (e.allow === undefined ? '' : `Allow: ${e.allow.join(', ')}\r\n`) +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** Reads a request body, throwing `tooLarge()` as soon as it passes `limit` bytes. */
export async function readBody(req: IncomingMessage, limit: number, tooLarge: () => Error): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Reads a JSON body of at most `limit` bytes and `maxDepth` levels (default DEFAULT_MAX_JSON_DEPTH),
 * checked before it is parsed: RELAY_ERR_TOO_LARGE, RELAY_ERR_TOO_DEEP or RELAY_ERR_BAD_FRAME.
 */
export async function readJsonBody(
  req: IncomingMessage,
  limit: number,
  maxDepth: number = DEFAULT_MAX_JSON_DEPTH,
): Promise<unknown> {
  const body = await readBody(
    req,
    limit,
    () => new RelayError(RELAY_ERR.TOO_LARGE, `The request body is over ${limit} bytes.`),
  );
  return parseJsonInput(body.toString('utf8'), maxDepth, 'The request body');
}

/** Reads a JSON body as `readJsonBody` does and validates it (RELAY_ERR_VALIDATION). */
export async function readJson<T>(
  req: IncomingMessage,
  limit: number,
  schema: z.ZodType<T>,
  maxDepth: number = DEFAULT_MAX_JSON_DEPTH,
): Promise<T> {
  const json = await readJsonBody(req, limit, maxDepth);
  const r = schema.safeParse(json);
  if (!r.success) throw new RelayError(RELAY_ERR.VALIDATION, describeIssues(r.error.issues));
  return r.data;
}
