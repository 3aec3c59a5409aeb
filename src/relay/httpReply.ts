import type { IncomingMessage, ServerResponse } from 'node:http';
import { RELAY_ERR } from '../shared/sync/protocol';
import { describeIssues, RelayError } from './errors';
import type { Logger } from './logger';
import type { z } from 'zod';

/** A JSON answer that is never cached. */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
    .end(JSON.stringify(value));
}

/** `{error:{code,message}}` for a RelayError; anything else is logged and answered as an internal error. */
export function sendError(res: ServerResponse, err: unknown, log: Logger): void {
  if (!(err instanceof RelayError)) {
    log.error({ err }, 'request failed');
    err = new RelayError(RELAY_ERR.INTERNAL, 'The relay failed to handle this request.', 500);
  }
  const e = err as RelayError;
  if (res.headersSent) return void res.destroy();
  if (e.code === RELAY_ERR.TOO_LARGE) res.setHeader('connection', 'close');
  if (e.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(e.retryAfterSeconds));
  sendJson(res, e.httpStatus, { error: { code: e.code, message: e.message } });
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

/** Reads a JSON body up to `limit` bytes and validates it. */
export async function readJson<T>(req: IncomingMessage, limit: number, schema: z.ZodType<T>): Promise<T> {
  const body = await readBody(
    req,
    limit,
    () => new RelayError(RELAY_ERR.TOO_LARGE, `The request body is over ${limit} bytes.`),
  );
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new RelayError(RELAY_ERR.BAD_FRAME, 'The request body is not valid JSON.');
  }
  const r = schema.safeParse(json);
  if (!r.success) throw new RelayError(RELAY_ERR.VALIDATION, describeIssues(r.error.issues));
  return r.data;
}
