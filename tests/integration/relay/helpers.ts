import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import WebSocket from 'ws';
import { createAdmin, startRelay, type Relay, type RelayOptions } from '../../../src/relay';
import { encodeHlc } from '../../../src/shared/sync/hlc';
import { uuidv7 } from '../../../src/shared/sync/ids';
import type { ServerFrame, TokenPair } from '../../../src/shared/sync/protocol';

export const ADMIN = { email: 'root@relay.test', password: 'root-password-1', name: 'Root' };

export function tempDir(prefix = 'sb-relay-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A relay on 127.0.0.1 with a fresh data dir and a bootstrapped admin. */
export async function startTestRelay(opts: Partial<RelayOptions> = {}): Promise<Relay & { dataDir: string }> {
  const dataDir = opts.dataDir ?? tempDir();
  await createAdmin({ dataDir, ...ADMIN }).catch((e: Error) => {
    if (!/already exists/.test(e.message)) throw e;
  });
  const relay = await startRelay({
    log: pino({ level: 'silent' }),
    ...opts,
    dataDir,
    host: '127.0.0.1',
    port: 0,
  });
  return Object.assign(relay, { dataDir });
}

/** What the HTTP and socket helpers need of a relay: an in-process one or a relay process. */
export type RelayAddress = Pick<Relay, 'url' | 'wsUrl'>;

export type HttpResult<T = Record<string, unknown>> = { status: number; body: T };

export async function http<T = Record<string, unknown>>(
  relay: RelayAddress,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<HttpResult<T>> {
  const res = await fetch(relay.url + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

export async function login(
  relay: RelayAddress,
  email: string,
  password: string,
  deviceName = 'test laptop',
): Promise<TokenPair> {
  const r = await http<TokenPair>(relay, 'POST', '/v1/auth/login', { email, password, deviceName });
  if (r.status !== 200) throw new Error(`login ${email}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Sets up two teams and one agent in each (plus the admin's token). */
export async function twoTeams(relay: RelayAddress) {
  const admin = await login(relay, ADMIN.email, ADMIN.password);
  const t = admin.accessToken;
  const teamA = (await http<{ id: string }>(relay, 'POST', '/v1/admin/teams', { name: 'Team A' }, t)).body.id;
  const teamB = (await http<{ id: string }>(relay, 'POST', '/v1/admin/teams', { name: 'Team B' }, t)).body.id;
  const mk = async (email: string, teamId: string, role = 'agent') => {
    const r = await http<{ id: string }>(
      relay,
      'POST',
      '/v1/admin/agents',
      { email, password: 'password-123', name: email, role, teamIds: [teamId] },
      t,
    );
    if (r.status !== 200) throw new Error(JSON.stringify(r.body));
    return { id: r.body.id, tokens: await login(relay, email, 'password-123') };
  };
  const a = await mk(`a-${uuidv7().slice(-6)}@relay.test`, teamA);
  const b = await mk(`b-${uuidv7().slice(-6)}@relay.test`, teamB);
  return { admin, teamA, teamB, a, b };
}

let counter = 0;
/** A mutation frame entry with a fresh id and a clock at `wall` (default now). */
export function mutation(name: string, args: unknown, wall = Date.now(), node = 'test-dev') {
  return { id: uuidv7(), name, args, clock: encodeHlc({ wall, counter: counter++ % 1000, node }) };
}

export type Client = {
  ws: WebSocket;
  frames: ServerFrame[];
  /** Resolves with the next frame matching `pred` (searching frames not yet taken). */
  next<T extends ServerFrame['t']>(
    t: T,
    pred?: (f: Extract<ServerFrame, { t: T }>) => boolean,
  ): Promise<Extract<ServerFrame, { t: T }>>;
  send(frame: unknown): void;
  closed: Promise<{ code: number; reason: string }>;
};

export function connect(relay: RelayAddress): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(relay.wsUrl);
    const frames: ServerFrame[] = [];
    const taken = new Set<ServerFrame>();
    let wake: (() => void)[] = [];
    ws.on('message', (d) => {
      frames.push(JSON.parse(d.toString()) as ServerFrame);
      const w = wake;
      wake = [];
      w.forEach((f) => f());
    });
    const closed = new Promise<{ code: number; reason: string }>((r) =>
      ws.on('close', (code, reason) => {
        r({ code, reason: reason.toString() });
        const w = wake;
        wake = [];
        w.forEach((f) => f());
      }),
    );
    const client: Client = {
      ws,
      frames,
      send: (f) => ws.send(typeof f === 'string' ? f : JSON.stringify(f)),
      closed,
      next(t, pred) {
        return new Promise((res, rej) => {
          const look = () => {
            const f = frames.find((x) => !taken.has(x) && x.t === t && (!pred || pred(x as never)));
            if (f) {
              taken.add(f);
              return res(f as never);
            }
            if (ws.readyState === ws.CLOSED)
              return rej(
                new Error(`socket closed before a "${t}" frame; got ${JSON.stringify(frames).slice(0, 500)}`),
              );
            wake.push(look);
          };
          look();
        });
      },
    };
    ws.once('open', () => resolve(client));
    ws.once('error', reject);
  });
}

/** Connects and says hello; resolves after `welcome`. */
export async function hello(relay: RelayAddress, accessToken: string, cursor = 0): Promise<Client> {
  const c = await connect(relay);
  c.send({ t: 'hello', protocol: 1, accessToken, cursor });
  await c.next('welcome');
  return c;
}

/** Collects `changes` frames until one with more=false; returns all changes and the final cursor. */
export async function drain(c: Client) {
  const changes: Extract<ServerFrame, { t: 'changes' }>['changes'] = [];
  const pages: number[] = [];
  for (;;) {
    const f = await c.next('changes');
    changes.push(...f.changes);
    pages.push(f.changes.length);
    if (!f.more) return { changes, cursor: f.cursor, pages };
  }
}

export function count(relay: Relay, sql: string, ...params: unknown[]): number {
  return relay.db
    .prepare(sql)
    .pluck()
    .get(...params) as number;
}
