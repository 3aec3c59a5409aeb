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
import { RELAY_ROUTES, routeRegex } from '../../shared/relayRoutes';

// Admins' routes: a channel's listing, and one file to put or withdraw.
const UPDATE_CHANNEL = routeRegex(RELAY_ROUTES.updateChannel);
const UPDATE_FILE = routeRegex(RELAY_ROUTES.updateFile);

/** Options of the update feed endpoints. */
export type UpdatesOptions = {
  /** Folder holding `<channel>/<file>`; `<dataDir>/updates` in the relay. */
  dir: string;
  /** Largest installer accepted, in bytes. Default 2 GiB. */
  maxUploadBytes?: number;
  /** Decides whether the request comes from an admin (bearer access token). */
  authorizeAdmin: (
    req: IncomingMessage,
  ) => Promise<{ ok: true; agentId?: string } | { ok: false; status: number; code: string; message: string }>;
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
    if (pub && (req.method === 'GET' || req.method === 'HEAD'))
      return servePublic(opts.dir, req, res, pub[1]!, decodeParam(pub[2]!));

    const admin = UPDATE_FILE.exec(path) ?? UPDATE_CHANNEL.exec(path);
    if (!admin) return false;
    const auth = await opts.authorizeAdmin(req);
    if (!auth.ok) return sendError(res, auth.status, auth.code, auth.message);
    const channel = admin[1]!;
    const file = admin[2] === undefined ? undefined : decodeParam(admin[2]);
    if (!CHANNEL.test(channel)) {
      return sendError(
        res,
        400,
        'RELAY_ERR_VALIDATION',
        'Channel names are lower-case letters, digits and dashes.',
      );
    }
    const dir = join(opts.dir, channel);
    if (file === undefined && req.method === 'GET')
      return sendJson(res, 200, { channel, files: listFiles(dir) });
    if (file === undefined || !FILE.test(file)) {
      return sendError(
        res,
        400,
        'RELAY_ERR_VALIDATION',
        'File names are letters, digits, dot, dash and underscore.',
      );
    }
    const agentId = auth.agentId ?? null;
    if (req.method === 'PUT') return publish(opts, req, res, { dir, channel, file, agentId }, maxUpload);
    if (req.method === 'DELETE') {
      rmSync(join(dir, file), { force: true });
      opts.onAdminChange?.({ kind: 'withdrawn', channel, file }, agentId, req);
      return sendJson(res, 200, { channel, file, withdrawn: true });
    }
    return sendError(res, 405, 'RELAY_ERR_VALIDATION', 'Use GET, PUT or DELETE.');
  };
}

/** `GET|HEAD /updates/<channel>/<file>`: the file as a static server would send it, or 404. */
async function servePublic(
  root: string,
  req: IncomingMessage,
  res: ServerResponse,
  channel: string,
  file: string,
): Promise<true> {
  if (!CHANNEL.test(channel) || !FILE.test(file))
    return sendError(res, 404, 'RELAY_ERR_NOT_FOUND', 'No such file.');
  const path = join(root, channel, file);
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch {
    return sendError(res, 404, 'RELAY_ERR_NOT_FOUND', 'No such file.');
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
  return true;
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
): Promise<true> {
  const { dir, channel, file } = to;
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (!Number.isFinite(declared) || declared > maxUpload) {
    return sendError(
      res,
      413,
      'RELAY_ERR_TOO_LARGE',
      `Uploads need a Content-Length of at most ${maxUpload} bytes.`,
    );
  }
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
    return sendError(
      res,
      400,
      'RELAY_ERR_VALIDATION',
      `Upload failed: ${(err as Error).message}. Nothing was published.`,
    );
  }
  opts.onAdminChange?.({ kind: 'published', channel, file, size: received }, to.agentId, req);
  return sendJson(res, 201, { channel, file, size: received });
}

function sendJson(res: ServerResponse, status: number, body: unknown): true {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
  return true;
}

function sendError(res: ServerResponse, status: number, code: string, message: string): true {
  return sendJson(res, status, { error: { code, message } });
}
