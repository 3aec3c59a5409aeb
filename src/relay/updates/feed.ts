import {
  createReadStream,
  createWriteStream,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { decodeParam, targetOf } from '../http/requestTarget';
import { sendError, sendJson } from '../http/reply';
import { methodNotAllowed, RelayError } from '../core/errors';
import type { Logger } from '../core/logger';
import { RELAY_ROUTES, routeRegex } from '../../shared/relayRoutes';
import { RELAY_ERR } from '../../shared/sync/protocol';

// Admins' routes: a channel's listing, and one file to put or withdraw.
const UPDATE_CHANNEL = routeRegex(RELAY_ROUTES.updateChannel);
const UPDATE_FILE = routeRegex(RELAY_ROUTES.updateFile);

/** Options of the update feed endpoints. */
export type UpdatesOptions = {
  /** Folder holding `<channel>/<file>`; `<dataDir>/updates` in the relay. */
  dir: string;
  /** Largest installer accepted, in bytes. Default 2 GiB. */
  maxUploadBytes?: number;
  /** Resolves when the request comes from an admin (bearer access token); else throws a RelayError. */
  authorizeAdmin: (req: IncomingMessage) => Promise<{ agentId?: string }>;
  /** Where a failure the relay did not expect is logged (the caller is answered 500). */
  log: Logger;
  /** Hears what an admin published or withdrew (the relay writes it to the audit log). */
  onAdminChange?: (
    change: { kind: 'published' | 'withdrawn'; channel: string; file: string; size?: number },
    agentId: string | null,
    req: IncomingMessage,
  ) => void;
};

const CHANNEL = /^[a-z0-9][a-z0-9-]{0,63}$/;
const FILE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/**
 * Serves signed feeds and installers at `GET /updates/<channel>/<file>` (what any static server
 * could do) and lets admins publish (`PUT /v1/admin/updates/<channel>/<file>`), list
 * (`GET /v1/admin/updates/<channel>`) and withdraw (`DELETE /v1/admin/updates/<channel>/<file>`).
 * The relay never signs or edits feeds: rollout, pause and deadline live inside IT's signature.
 * Returns false when the request is not for these routes.
 */
export function createUpdatesHandler(
  opts: UpdatesOptions,
): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const maxUpload = opts.maxUploadBytes ?? 2 * 1024 ** 3;
  mkdirSync(opts.dir, { recursive: true });

  return async (req, res) => {
    const { path } = targetOf(req);
    const pub = /^\/updates\/([^/]+)\/([^/]+)$/.exec(path);
    const admin = UPDATE_FILE.exec(path) ?? UPDATE_CHANNEL.exec(path);
    const isPublic = pub && (req.method === 'GET' || req.method === 'HEAD');
    if (!isPublic && !admin) return false;
    try {
      if (isPublic) await servePublic(opts.dir, req, res, pub[1]!, decodeParam(pub[2]!));
      else await adminRoute(opts, req, res, admin!, maxUpload);
    } catch (err) {
      sendError(res, err, opts.log);
    }
    return true;
  };
}

/** The admins' routes: list a channel (GET), publish (PUT) or withdraw (DELETE) one of its files. */
async function adminRoute(
  opts: UpdatesOptions,
  req: IncomingMessage,
  res: ServerResponse,
  admin: RegExpExecArray,
  maxUpload: number,
): Promise<void> {
  const { agentId = null } = await opts.authorizeAdmin(req);
  const channel = admin[1]!;
  const file = admin[2] === undefined ? undefined : decodeParam(admin[2]);
  const where = `${req.method} is not allowed on ${targetOf(req).path}.`;
  if (!CHANNEL.test(channel))
    throw new RelayError(
      RELAY_ERR.VALIDATION,
      'Channel names are lower-case letters, digits and dashes.',
      400,
    );
  const dir = join(opts.dir, channel);
  if (file === undefined) {
    if (req.method !== 'GET') throw methodNotAllowed(where, ['GET']);
    return sendJson(res, 200, { channel, files: listFiles(dir) });
  }
  if (!FILE.test(file))
    throw new RelayError(
      RELAY_ERR.VALIDATION,
      'File names are letters, digits, dot, dash and underscore.',
      400,
    );
  if (req.method === 'PUT') return publish(opts, req, res, { dir, channel, file, agentId }, maxUpload);
  if (req.method !== 'DELETE') throw methodNotAllowed(where, ['PUT', 'DELETE']);
  rmSync(join(dir, file), { force: true });
  opts.onAdminChange?.({ kind: 'withdrawn', channel, file }, agentId, req);
  sendJson(res, 200, { channel, file, withdrawn: true });
}

/** `GET|HEAD /updates/<channel>/<file>`: the file as a static server would send it, or 404. */
async function servePublic(
  root: string,
  req: IncomingMessage,
  res: ServerResponse,
  channel: string,
  file: string,
): Promise<void> {
  const noSuchFile = () => new RelayError(RELAY_ERR.NOT_FOUND, 'No such file.');
  if (!CHANNEL.test(channel) || !FILE.test(file)) throw noSuchFile();
  const path = join(root, channel, file);
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch {
    throw noSuchFile();
  }
  res.writeHead(200, {
    'content-type': file.endsWith('.yml') ? 'text/yaml; charset=utf-8' : 'application/octet-stream',
    'content-length': size,
    // Feeds change with every rollout step; installers never change under the same name.
    'cache-control': /\.(yml|sig)$/.test(file) ? 'no-cache' : 'public, max-age=86400, immutable',
    'x-content-type-options': 'nosniff',
  });
  if (req.method === 'HEAD') res.end();
  else await pipeline(createReadStream(path), res);
}

/** A channel's files with their sizes; none when the channel has no folder yet. */
function listFiles(dir: string): { name: string; size: number }[] {
  try {
    return readdirSync(dir)
      .filter((n) => FILE.test(n))
      .map((name) => ({ name, size: statSync(join(dir, name)).size }));
  } catch {
    return [];
  }
}

/**
 * `PUT`: the body, of exactly its declared Content-Length (at most `maxUpload`), written beside
 * the file and renamed over it, so clients see the old file or the new one, never half of it.
 */
async function publish(
  opts: UpdatesOptions,
  req: IncomingMessage,
  res: ServerResponse,
  to: { dir: string; channel: string; file: string; agentId: string | null },
  maxUpload: number,
): Promise<void> {
  const { dir, channel, file } = to;
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (!Number.isFinite(declared) || declared > maxUpload)
    throw new RelayError(RELAY_ERR.TOO_LARGE, `Uploads need a Content-Length of at most ${maxUpload} bytes.`);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${file}.${process.pid}.${Date.now()}.part`);
  let received = 0;
  req.on('data', (c: Buffer) => {
    received += c.length;
    if (received > declared) req.destroy(new Error('body longer than Content-Length'));
  });
  try {
    await pipeline(req, createWriteStream(tmp, { mode: 0o644 }));
    if (received !== declared) throw new Error('body shorter than Content-Length');
    // Atomic: clients see the old file or the new one, never half of it.
    renameSync(tmp, join(dir, file));
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new RelayError(
      RELAY_ERR.VALIDATION,
      `Upload failed: ${(err as Error).message}. Nothing was published.`,
      400,
    );
  }
  opts.onAdminChange?.({ kind: 'published', channel, file, size: received }, to.agentId, req);
  sendJson(res, 201, { channel, file, size: received });
}
