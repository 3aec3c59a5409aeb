// The relay's sync path (sync/: hello, catch-up, pushes by group commit, exactly-once, live
// fan-out) as one set of tests, run on every store (tests/integration/store/syncPath.test.ts):
// SQLite through its adapter and PostgreSQL. Real sync hub, real WebSocket sockets on loopback,
// real sign-in; what an app sees must not depend on the store underneath.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { encodeHlc, HlcClock } from '../../src/shared/sync/hlc';
import { uuidv7 } from '../../src/shared/sync/ids';
import { SYNC_PROTOCOL_VERSION, type PushedMutation } from '../../src/shared/sync/protocol';
import { createMetrics } from '../../src/relay/core/metrics';
import type { AsyncStore } from '../../src/relay/data/asyncStore';
import type { IdentityData } from '../../src/relay/data/identityData';
import { createAccountWrites } from '../../src/relay/identity/accountWrites';
import { createAudit } from '../../src/relay/identity/audit';
import { createAuth } from '../../src/relay/identity/auth';
import { resolveOptions } from '../../src/relay/options';
import { createSyncHub } from '../../src/relay/sync/hub';
import { createPusher, type Pusher } from '../../src/relay/sync/push';

export type SyncUnderTest = {
  store: AsyncStore;
  identity: IdentityData;
  /** A second store on the same data, as a second relay process would open it (or the same one). */
  other(): Promise<{ store: AsyncStore; identity: IdentityData }>;
  dispose(): Promise<void>;
};

type Frame = Record<string, unknown> & { t: string };
type Client = { frames: Frame[]; send(f: object): void; next(pred: (f: Frame) => boolean): Promise<Frame> };

const T0 = Date.parse('2026-12-03T09:00:00.000Z');
const log = pino({ level: 'silent' });

function pusherOn(identity: IdentityData, now: () => number): Pusher {
  return createPusher({
    identity,
    relayClock: new HlcClock('relay', now),
    maxClockSkewMs: 600_000,
    now,
    log,
  });
}

/** Registers the contract's tests in the enclosing describe, each on a fresh store from `make`. */
export function syncContract(make: () => Promise<SyncUnderTest>): void {
  let s: SyncUnderTest;
  let wss: WebSocketServer;
  let url: string;
  let token: (device: string) => Promise<string>;
  let agentId: string;
  let teamId: string;
  let wall = T0;
  const now = () => (wall += 1);
  const sockets: WebSocket[] = [];

  beforeEach(async () => {
    s = await make();
    const o = resolveOptions({ dataDir: '/nonexistent', now });
    const audit = createAudit({ identity: s.identity, now, log });
    const auth = createAuth(s.identity, s.store, randomBytes(32), o, () => undefined, audit);
    const accounts = createAccountWrites({
      identity: s.identity,
      records: s.store,
      clock: new HlcClock('relay', now),
      now,
    });
    teamId = uuidv7(now());
    await s.identity.insertTeam({ id: teamId, name: 'Support', created_at: now() });
    await s.identity.insertInbox({ id: uuidv7(now()), name: 'Chat', channel: 'chat', team_id: teamId });
    const ana = await accounts.createAgent(
      { email: 'ana@example.com', password: 'pass-word-1', name: 'Ana', role: 'agent', teamIds: [teamId] },
      null,
    );
    agentId = ana.id;
    token = async (deviceName) =>
      (await auth.login({ email: 'ana@example.com', password: 'pass-word-1', deviceName })).accessToken;
    const pusher = pusherOn(s.identity, now);
    const hub = createSyncHub({
      store: s.store,
      auth,
      identity: s.identity,
      pusher,
      metrics: createMetrics(),
      log,
      o,
    });
    s.store.onCommit((c) => hub.fanOut(c));
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    wss.on('connection', (ws) => hub.accept(ws));
    await new Promise((r) => wss.once('listening', r));
    url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    for (const ws of sockets.splice(0)) ws.terminate();
    await new Promise((r) => wss.close(r));
    await s.dispose();
  });

  async function connect(device: string, cursor: number): Promise<Client> {
    const accessToken = await token(device);
    const ws = new WebSocket(url);
    sockets.push(ws);
    const frames: Frame[] = [];
    const waiting: { pred: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
    ws.on('message', (data) => {
      frames.push(JSON.parse(String(data)) as Frame);
      for (const w of [...waiting]) {
        const hit = frames.find(w.pred);
        if (!hit) continue;
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(hit);
      }
    });
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ t: 'hello', protocol: SYNC_PROTOCOL_VERSION, accessToken, cursor }));
    const client: Client = {
      frames,
      send: (f) => ws.send(JSON.stringify(f)),
      next: (pred) =>
        new Promise((resolve) => {
          const hit = frames.find(pred);
          if (hit) return resolve(hit);
          waiting.push({ pred, resolve });
        }),
    };
    return client;
  }

  const clock = () => encodeHlc({ wall: T0 + 1000, counter: 0, node: 'app-ana' });
  const mutation = (name: string, args: Record<string, unknown>, id = uuidv7(T0)): PushedMutation => ({
    id,
    name,
    args,
    clock: clock(),
  });
  const result = (c: Client, batch: number) =>
    c.next((f) => f.t === 'pushResult' && f['batch'] === batch) as Promise<
      {
        results: { id: string; status: string; seq?: number; code?: string }[];
      } & Frame
    >;

  it('applies a push once, answers it after its changes, and catches a second device up', async () => {
    const a = await connect('Laptop', 0);
    const welcome = await a.next((f) => f.t === 'welcome');
    expect(welcome).toMatchObject({ agent: { id: agentId, teamIds: [teamId] }, resync: false });
    await a.next((f) => f.t === 'changes' && f['more'] === false);

    const customerId = uuidv7(T0);
    const convId = uuidv7(T0);
    const batch = [
      mutation('customer.create', { id: customerId, fields: { name: 'Wei' } }),
      mutation('conversation.create', { id: convId, customerId, channel: 'chat', subject: 'Order' }),
      mutation('message.send', { id: uuidv7(T0), conversationId: convId, body: 'Hello' }),
    ];
    const seen = a.frames.length;
    a.send({ t: 'push', batch: 1, mutations: batch });
    const first = await result(a, 1);
    expect(first.results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
    const seqs = first.results.map((r) => r.seq!);
    expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
    expect(seqs[2]).toBe(await s.store.head());
    // The pusher holds the relay's state when acked: the fan-out of its changes came first.
    const before = a.frames.slice(seen, a.frames.indexOf(first));
    const fanned = before.flatMap((f) => (f.t === 'changes' ? (f['changes'] as { id: string }[]) : []));
    expect(fanned.map((c) => c.id)).toEqual(expect.arrayContaining([customerId, convId]));

    // The same batch again: each answered as a duplicate at its first position; nothing written.
    a.send({ t: 'push', batch: 2, mutations: batch });
    expect((await result(a, 2)).results).toEqual(
      batch.map((m, i) => ({ id: m.id, status: 'duplicate', seq: seqs[i] })),
    );
    // A reused id with other content, and a message to a conversation nobody has: refused, nothing kept.
    a.send({
      t: 'push',
      batch: 3,
      mutations: [
        { ...batch[0]!, args: { id: customerId, fields: { name: 'Other' } } },
        mutation('message.send', { id: uuidv7(T0), conversationId: uuidv7(T0), body: 'Lost' }),
      ],
    });
    expect((await result(a, 3)).results.map((r) => r.code)).toEqual([
      'RELAY_ERR_MUTATION_ID_REUSED',
      'RELAY_ERR_FORBIDDEN',
    ]);
    expect(await s.store.head()).toBe(seqs[2]);

    // A second device from an empty cache: the catch-up brings what the first pushed.
    const b = await connect('Phone', 0);
    const caught = await b.next((f) => f.t === 'changes' && f['more'] === false);
    const ids = (caught['changes'] as { id: string; entity: string }[]).map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining([customerId, convId]));
    expect(caught['cursor']).toBe(await s.store.head());
    // And it is live: a message the first device sends reaches it by fan-out.
    const replyId = uuidv7(T0);
    const reply = mutation('message.send', { id: replyId, conversationId: convId, body: 'More' });
    a.send({ t: 'push', batch: 4, mutations: [reply] });
    const live = await b.next(
      (f) => f.t === 'changes' && (f['changes'] as { id: string }[]).some((c) => c.id === replyId),
    );
    expect(live['cursor']).toBe((await result(a, 4)).results[0]!.seq);
  });

  it('applies one mutation id once when two relays take the same push at the same time', async () => {
    const p = { agentId, role: 'agent' as const, deviceId: 'laptop', expiresAt: Number.MAX_SAFE_INTEGER };
    const viewer = { agentId, role: 'agent' as const, teamIds: new Set([teamId]) };
    const other = await s.other();
    const customerId = uuidv7(T0);
    const m = mutation('customer.create', { id: customerId, fields: { name: 'Li' } });
    const [x, y] = await Promise.all([
      pusherOn(s.identity, now).push(p, viewer, [m]),
      pusherOn(other.identity, now).push(p, viewer, [m]),
    ]);
    const outcomes = [x.results[0]!, y.results[0]!];
    expect(outcomes.map((r) => r.status).sort()).toEqual(['applied', 'duplicate']);
    const seqs = outcomes.map((r) => ('seq' in r ? r.seq : null));
    expect(seqs[0]).not.toBeNull();
    expect(seqs[0]).toBe(seqs[1]);
    const log = await s.store.changesAfter({ agentId: 'admin', role: 'admin', teamIds: new Set() }, 0, 1000);
    expect(log.filter((c) => c.id === customerId)).toHaveLength(1);
  });
}
