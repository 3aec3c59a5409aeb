// Routing (src/relay/routing) as one set of tests, run on every store
// (tests/integration/store/routingPath.test.ts): SQLite through its adapter and PostgreSQL. The
// real routing service and sync hub, real WebSocket sockets on loopback, real sign-in: an agent
// connects and says she is available, is offered the oldest waiting chat, accepts it, sees
// herself its assignee in her app, and is offered the next one once she resolves the first.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { HlcClock } from '../../src/shared/sync/hlc';
import { uuidv7 } from '../../src/shared/sync/ids';
import { SYNC_PROTOCOL_VERSION } from '../../src/shared/sync/protocol';
import { createMetrics } from '../../src/relay/core/metrics';
import type { AsyncStore } from '../../src/relay/data/asyncStore';
import type { IdentityData } from '../../src/relay/data/identityData';
import type { LeaseTable } from '../../src/relay/data/leases';
import { writeFieldsAsync } from '../../src/relay/data/records';
import type { RoutingData } from '../../src/relay/data/routingData';
import { createAccountWrites } from '../../src/relay/identity/accountWrites';
import { createAudit } from '../../src/relay/identity/audit';
import { createAuth } from '../../src/relay/identity/auth';
import { resolveOptions } from '../../src/relay/options';
import type { LeaseKeeper } from '../../src/relay/routing/lease';
import { createRoutingLeases } from '../../src/relay/routing/routingLeases';
import { createRoutingService, type RoutingDeps, type RoutingService } from '../../src/relay/routing/service';
import { createSyncHub } from '../../src/relay/sync/hub';
import { createPusher } from '../../src/relay/sync/push';

/** One relay's view of a store: the store, identity and routing's reads on it, and its lease table. */
export type RoutingUnderTest = {
  store: AsyncStore;
  identity: IdentityData;
  data: RoutingData;
  leases: LeaseTable;
  dispose(): Promise<void>;
};

type Frame = Record<string, unknown> & { t: string };
type Client = { frames: Frame[]; send(f: object): void; next(pred: (f: Frame) => boolean): Promise<Frame> };

const T0 = Date.parse('2026-12-04T09:00:00.000Z');
const log = pino({ level: 'silent' });

/** A team with a chat inbox, and a conversation writer; everything through the async contracts. */
export async function routingWorld(s: Pick<RoutingUnderTest, 'store' | 'identity'>, now: () => number) {
  const clock = new HlcClock('relay', now);
  const accounts = createAccountWrites({ identity: s.identity, records: s.store, clock, now });
  const teamId = uuidv7(now());
  const inboxId = uuidv7(now());
  const write = (entity: 'inbox' | 'agent' | 'conversation' | 'customer', id: string, fields: object) =>
    s.store.transaction((tx) =>
      writeFieldsAsync(
        tx,
        {
          entity,
          id,
          fields: fields as Record<string, unknown>,
          clock: clock.now(),
          convId: entity === 'conversation' ? id : null,
          at: new Date(now()).toISOString(),
        },
        { mutationId: null, agentId: null },
      ),
    );
  await s.identity.insertTeam({ id: teamId, name: 'Support', created_at: now() });
  await s.identity.insertInbox({ id: inboxId, name: 'Chat', channel: 'chat', team_id: teamId });
  await write('inbox', inboxId, { name: 'Chat', channel: 'chat', teamId });
  const ana = await accounts.createAgent(
    { email: 'ana@example.com', password: 'pass-word-1', name: 'Ana', role: 'agent', teamIds: [teamId] },
    null,
  );
  // One chat at a time: the second waits until she resolves the first.
  await write('agent', ana.id, { capacity: { chat: 1 } });
  const conversation = async (subject: string) => {
    const id = uuidv7(now());
    const customerId = uuidv7(now());
    await write('customer', customerId, { name: `Customer of ${subject}` });
    await write('conversation', id, {
      customerId,
      channel: 'chat',
      subject,
      status: 'open',
      assigneeId: null,
      teamId,
      inboxId,
      createdAt: new Date(now()).toISOString(),
    });
    return id;
  };
  return { clock, teamId, inboxId, ana, write, conversation };
}

/** A routing service on `s` under a lease keeper on its table (owner `owner`), not yet told of any agent. */
export function startRouting(
  s: RoutingUnderTest,
  o: {
    owner: string;
    now: () => number;
    clock: HlcClock;
    sendToAgent: RoutingDeps['sendToAgent'];
  },
): { routing: RoutingService; keeper: LeaseKeeper } {
  // Long leases: the test takes its rounds itself.
  const leases = createRoutingLeases({ table: s.leases, owner: o.owner, ttlMs: 60_000 });
  const routing = createRoutingService({
    store: s.store,
    identity: s.identity,
    data: s.data,
    leases: leases.keeper,
    relayClock: o.clock,
    log,
    now: o.now,
    sendToAgent: o.sendToAgent,
  });
  leases.serve(routing);
  s.store.onCommit((c) => routing.onCommit(c));
  return { routing, keeper: leases.keeper };
}

/** Registers the contract's tests in the enclosing describe, each on a fresh store from `make`. */
export function routingContract(make: () => Promise<RoutingUnderTest>): void {
  let s: RoutingUnderTest;
  let wss: WebSocketServer;
  let url: string;
  let routing: RoutingService;
  let keeper: LeaseKeeper;
  let world: Awaited<ReturnType<typeof routingWorld>>;
  let first: string;
  let token: () => Promise<string>;
  let wall = T0;
  const now = () => (wall += 1);
  const sockets: WebSocket[] = [];

  beforeEach(async () => {
    s = await make();
    world = await routingWorld(s, now);
    // Waiting before the relay starts: routing finds it in the store (the start's recovery).
    first = await world.conversation('Order 1');
    const o = resolveOptions({ dataDir: '/nonexistent', now });
    const audit = createAudit({ identity: s.identity, now, log });
    const auth = createAuth(s.identity, s.store, randomBytes(32), o, () => undefined, audit);
    token = async () =>
      (await auth.login({ email: 'ana@example.com', password: 'pass-word-1', deviceName: 'Laptop' }))
        .accessToken;
    const pusher = createPusher({
      identity: s.identity,
      relayClock: world.clock,
      maxClockSkewMs: 600_000,
      now,
      log,
    });
    const hub = createSyncHub({
      store: s.store,
      auth,
      identity: s.identity,
      pusher,
      metrics: createMetrics(),
      log,
      o,
    });
    ({ routing, keeper } = startRouting(s, {
      owner: 'relay-1',
      now,
      clock: world.clock,
      sendToAgent: (agentId, frame) => hub.sendToAgent(agentId, frame),
    }));
    hub.attachRouting(routing);
    s.store.onCommit((c) => hub.fanOut(c));
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    wss.on('connection', (ws) => hub.accept(ws));
    await new Promise((r) => wss.once('listening', r));
    url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
    await routing.settled();
  });

  afterEach(async () => {
    for (const ws of sockets.splice(0)) ws.terminate();
    await new Promise((r) => wss.close(r));
    routing.close();
    await routing.settled();
    await keeper.stop();
    await s.dispose();
  });

  async function connect(): Promise<Client> {
    const accessToken = await token();
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
    ws.send(JSON.stringify({ t: 'hello', protocol: SYNC_PROTOCOL_VERSION, accessToken, cursor: 0 }));
    return {
      frames,
      send: (f) => ws.send(JSON.stringify(f)),
      next: (pred) =>
        new Promise((resolve) => {
          const hit = frames.find(pred);
          if (hit) return resolve(hit);
          waiting.push({ pred, resolve });
        }),
    };
  }

  type OfferFrame = Frame & {
    offer: { offerId: string; conversationId: string; subject: string; customerName: string };
  };
  const offerOf = (c: Client, conversationId: string) =>
    c.next(
      (f) => f.t === 'offer' && (f as OfferFrame).offer.conversationId === conversationId,
    ) as Promise<OfferFrame>;
  /** The conversation as fanned out to the app: its latest state in a `changes` frame. */
  const fannedOut = (c: Client, id: string, pred: (data: Record<string, unknown>) => boolean) =>
    c.next(
      (f) =>
        f.t === 'changes' &&
        (f['changes'] as { id: string; data: Record<string, unknown> | null }[]).some(
          (ch) => ch.id === id && ch.data !== null && pred(ch.data),
        ),
    );

  it('offers the oldest waiting chat; an accept makes her its assignee in her app; a resolve frees her for the next', async () => {
    const second = await world.conversation('Order 2');
    routing.enqueue(second);
    const ana = await connect();
    await ana.next((f) => f.t === 'changes' && f['more'] === false);
    ana.send({ t: 'presence', state: 'available' });

    const offer = await offerOf(ana, first);
    expect(offer.offer).toMatchObject({ subject: 'Order 1', customerName: 'Customer of Order 1' });
    await routing.settled();
    // One chat at a time: the second waits, behind the one offered (not hers until she accepts).
    expect(ana.frames.filter((f) => f.t === 'offer')).toHaveLength(1);
    expect(routing.queuePosition(second)).toBe(2);

    ana.send({ t: 'offerReply', offerId: offer.offer.offerId, accept: true });
    expect(await ana.next((f) => f.t === 'offerResult')).toMatchObject({ assigned: true });
    await fannedOut(ana, first, (d) => d['assigneeId'] === world.ana.id);
    expect((await s.store.get('conversation', first))?.data['assigneeId']).toBe(world.ana.id);
    expect(routing.queuePosition(second)).toBe(1);

    await world.write('conversation', first, { status: 'resolved' });
    const next = await offerOf(ana, second);
    expect(next.offer.subject).toBe('Order 2');
  });
}
