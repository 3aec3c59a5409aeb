import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { RELAY_ROUTES, routePath } from '../shared/relayRoutes';
import type { LoginRequest, TokenPair } from '../shared/sync/protocol';

export type RelayTarget = { relayUrl: string; token: string; channel: string };

/** Signs in to the relay as an admin and returns an access token. */
export async function loginForToken(relayUrl: string, email: string, password: string): Promise<string> {
  const res = await fetch(new URL(RELAY_ROUTES.login.pattern, relayUrl), {
    method: RELAY_ROUTES.login.method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, deviceName: 'release tool' } satisfies LoginRequest),
  });
  const body = (await res.json().catch(() => ({}))) as Partial<TokenPair> & { error?: { message?: string } };
  if (!res.ok || !body.accessToken) throw new Error(`login failed (${res.status}): ${body.error?.message ?? 'no token'}`);
  return body.accessToken;
}

async function call(t: RelayTarget, route: typeof RELAY_ROUTES.updateFile | typeof RELAY_ROUTES.withdrawUpdateFile, file: string, body?: Buffer): Promise<unknown> {
  const url = new URL(routePath(route, { channel: t.channel, file }), t.relayUrl);
  const method = route.method;
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${t.token}`, ...(body ? { 'content-length': String(body.length) } : {}) },
    ...(body ? { body } : {}),
  });
  const json = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
  if (!res.ok) throw new Error(`${method} ${file}: ${res.status} ${json.error?.code ?? ''} ${json.error?.message ?? ''}`.trim());
  return json;
}

/** Uploads one file to the channel. */
export function uploadFile(t: RelayTarget, path: string): Promise<unknown> {
  return call(t, RELAY_ROUTES.updateFile, basename(path), readFileSync(path));
}

/**
 * Publishes a release folder: installers and blockmaps first, the signed feeds (`.yml` + `.sig`)
 * last, so a feed never names an installer that is not there yet.
 */
export async function publishDir(t: RelayTarget, dir: string, onFile: (name: string) => void = () => {}) {
  const names = readdirSync(dir).filter((n) => statSync(join(dir, n)).isFile() && !n.endsWith('.pem'));
  const feeds = names.filter((n) => /\.yml(\.sig)?$/.test(n)).sort((a, b) => (a.endsWith('.sig') ? -1 : b.endsWith('.sig') ? 1 : 0));
  const rest = names.filter((n) => !feeds.includes(n));
  for (const n of [...rest, ...feeds]) {
    await uploadFile(t, join(dir, n));
    onFile(n);
  }
  return [...rest, ...feeds];
}

/** Withdraws feeds from the channel: apps then see no update there. */
export async function withdraw(t: RelayTarget, feedNames: string[]) {
  for (const n of feedNames) {
    await call(t, RELAY_ROUTES.withdrawUpdateFile, n);
    await call(t, RELAY_ROUTES.withdrawUpdateFile, `${n}.sig`);
  }
}
