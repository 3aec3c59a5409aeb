import { lookup as dnsLookup } from 'node:dns';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isPrivateAddress, literalRefusal, PRIVATE_ADDRESS, publicLookup } from '../../core/publicAddress';
import { REMOTE_SRC_RE, unescapeAttribute } from '../../../shared/remoteImages';
import { RELAY_ERR } from '../../../shared/sync/protocol';
import { RELAY_ROUTES as R, routeRegex, type RouteResponse } from '../../../shared/relayRoutes';
import { methodNotAllowed, RelayError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { AsyncStoreReads } from '../../data/asyncStore';
import { canSee, loadViewer } from '../../data/visibility';
import { sendError, sendJson } from '../../http/reply';
import { decodeParam, targetOf } from '../../http/requestTarget';
import { AUDIT, clientIp, type Audit } from '../../identity/audit';
import type { Auth } from '../../identity/auth';
import type { Directory } from '../../identity/directory';

export type RemoteImageOptions = {
  /** Images fetched per message at most (the rest answer "too many"). Default 20. */
  maxImages?: number;
  /** Bytes per image at most. Default 2 MiB. */
  maxBytes?: number;
  /** Per image, connecting and reading together. Default 8 s. */
  timeoutMs?: number;
  /** Redirects followed per image. Default 3. */
  maxRedirects?: number;
  /**
   * Fetch from loopback and private networks too. Off by default: the relay sits inside the
   * center's network, and a mail's image address must not reach what only the relay can reach.
   * Tests turn it on to serve images from 127.0.0.1.
   */
  allowPrivateHosts?: boolean;
};

type Resolved = Required<RemoteImageOptions>;
type ImageAnswer = RouteResponse<typeof R.remoteImages>['images'][number];

export const DEFAULTS: Resolved = {
  maxImages: 20,
  maxBytes: 2 * 1024 * 1024,
  timeoutMs: 8000,
  maxRedirects: 3,
  allowPrivateHosts: false,
};

/** Whether an address is one a mail may not reach through the relay (see core/publicAddress.ts). */
export { isPrivateAddress };

/** The image type the bytes are, by their first bytes (not by what the server said). */
export function sniffImage(b: Buffer): 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp' | null {
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 6 && /^GIF8[79]a$/.test(b.subarray(0, 6).toString('latin1'))) return 'image/gif';
  if (
    b.length >= 12 &&
    b.subarray(0, 4).toString('latin1') === 'RIFF' &&
    b.subarray(8, 12).toString('latin1') === 'WEBP'
  )
    return 'image/webp';
  return null;
}

/** One GET with the limits; follows redirects itself so each hop is checked the same way. */
export function fetchImage(url: string, o: Resolved, hops = 0): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return reject(new Error('not a web address'));
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return reject(new Error('not a web address'));
    // A literal address is never looked up, so the guarded lookup cannot see it: checked here.
    if (!o.allowPrivateHosts && literalRefusal(u) !== null)
      return reject(new Error(`${u.hostname} is on a private network`));
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(
      u,
      {
        method: 'GET',
        // The webhook's lookup: at connect time (DNS rebinding is caught), and a name with any
        // private address is refused whole.
        lookup: o.allowPrivateHosts ? dnsLookup : (publicLookup as unknown as LookupFunction),
        // No cookies, no referrer, nothing about the agent or the relay beyond the request itself.
        headers: { accept: 'image/png,image/jpeg,image/gif,image/webp', 'user-agent': 'Switchboard-relay' },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400 && res.headers.location) {
          res.resume();
          if (hops >= o.maxRedirects) return reject(new Error('too many redirects'));
          return resolve(fetchImage(new URL(res.headers.location, u).toString(), o, hops + 1));
        }
        if (status !== 200) {
          res.resume();
          return reject(new Error(`the image server answered ${status}`));
        }
        const declared = Number(res.headers['content-length'] ?? 0);
        if (declared > o.maxBytes) {
          res.destroy();
          return reject(new Error('larger than the limit'));
        }
        const parts: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > o.maxBytes) {
            res.destroy();
            reject(new Error('larger than the limit'));
          } else parts.push(c);
        });
        res.on('end', () => resolve(Buffer.concat(parts)));
        res.on('error', reject);
      },
    );
    const timer = setTimeout(() => req.destroy(new Error('took too long')), o.timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === PRIVATE_ADDRESS
          ? new Error(`${u.hostname} is on a private network`)
          : new Error(err.message.includes('too long') ? 'took too long' : 'could not be reached'),
      ),
    );
    req.end();
  });
}

/** The remote image addresses the relay's sanitizer kept in a message's HTML, once each, in order. */
export function remoteSources(html: string): string[] {
  const seen = new Set<string>();
  for (const m of html.matchAll(REMOTE_SRC_RE)) seen.add(unescapeAttribute(m[1]!));
  return [...seen];
}

const PATH = routeRegex(R.remoteImages);

/**
 * `GET /v1/messages/:messageId/remote-images`: the remote images of a mail the agent can see,
 * fetched by the relay (so the sender's server sees the relay, never the agent's address, and no
 * cookie) and answered as data: URLs the app puts into its sandboxed frame. Only the addresses
 * the mail itself holds are fetched, never private networks, each type sniffed and size-limited.
 * Audited: loading them tells a sender (a tracking pixel) that the mail was opened.
 */
export function createRemoteImagesRoute(d: {
  records: Pick<AsyncStoreReads, 'get' | 'scopeOf'>;
  auth: Auth;
  directory: Pick<Directory, 'teamIdsOf'>;
  audit: Audit;
  log: Logger;
  options?: RemoteImageOptions;
}) {
  const o: Resolved = { ...DEFAULTS, ...d.options };

  async function images(req: IncomingMessage, messageId: string): Promise<ImageAnswer[]> {
    const p = await d.auth.authenticateRequest(req);
    const msg = await d.records.get('message', messageId);
    const convId = msg?.data['conversationId'];
    const scope = typeof convId === 'string' ? await d.records.scopeOf(convId) : null;
    // One answer for "not yours" and "not there", so ids reveal nothing.
    if (
      !msg ||
      msg.deleted ||
      typeof convId !== 'string' ||
      !canSee(await loadViewer(p, d.directory), convId, scope)
    )
      throw new RelayError(RELAY_ERR.NOT_FOUND, 'There is no such message.');
    const html = (msg.data['email'] as { html?: unknown } | undefined)?.html;
    const urls = typeof html === 'string' ? remoteSources(html) : [];
    d.audit.record({
      actorId: p.agentId,
      action: AUDIT.EMAIL_REMOTE_IMAGES_LOADED,
      target: messageId,
      detail: { conversation: convId, images: urls.length },
      ip: clientIp(req),
    });
    return Promise.all(
      urls.map(async (url, i): Promise<ImageAnswer> => {
        if (i >= o.maxImages) return { url, error: 'too many images in this mail' };
        try {
          const bytes = await fetchImage(url, o);
          const type = sniffImage(bytes);
          if (!type) return { url, error: 'not a PNG, JPEG, GIF or WebP image' };
          return { url, dataUrl: `data:${type};base64,${bytes.toString('base64')}` };
        } catch (err) {
          return { url, error: (err as Error).message };
        }
      }),
    );
  }

  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const m = PATH.exec(targetOf(req).path);
    if (!m) return false;
    try {
      if (req.method !== 'GET')
        throw methodNotAllowed(`${req.method ?? 'This method'} is not allowed here.`, ['GET']);
      sendJson(res, 200, { images: await images(req, decodeParam(m[1]!)) });
    } catch (err) {
      sendError(res, err, d.log);
    }
    return true;
  };
}
