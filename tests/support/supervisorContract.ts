// The supervisor room (src/relay/supervisor) as one set of tests, run on every store
// (tests/integration/store/supervisorBoard.test.ts): SQLite through its adapter and PostgreSQL.
// The real room over real HTTP with real sign-in: the board a supervisor gets is loaded from
// what the store holds (today's figures rebuilt from field history, the waiting customer, an
// agent's chat with its customer's name), a reassignment is checked and written in one
// transaction and reaches the board, a refused one writes nothing, and a second room started
// on the same database (a restart, or another relay) loads the same day.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { SupervisorBoard, SupervisorNotice } from '../../src/shared/supervisor';
import type { Change } from '../../src/shared/sync/entities';
import type { ServerFrame } from '../../src/shared/sync/protocol';
import type { AsyncStore } from '../../src/relay/data/asyncStore';
import type { IdentityData } from '../../src/relay/data/identityData';
import type { Commit } from '../../src/relay/data/store';
import type { SupervisorData } from '../../src/relay/data/supervisorData';
import { createAccountWrites } from '../../src/relay/identity/accountWrites';
import { AUDIT, createAudit } from '../../src/relay/identity/audit';
import { createAuth } from '../../src/relay/identity/auth';
import { createDirectory } from '../../src/relay/identity/directory';
import { resolveOptions } from '../../src/relay/options';
import { createSupervision } from '../../src/relay/supervisor';
import { createLiveBoard } from '../../src/relay/supervisor/liveBoard';
import { routingWorld } from './routingContract';
import type { HlcClock } from '../../src/shared/sync/hlc';

/** One relay's view of a database: its store, identity and the board's reads. */
export type SupervisorSide = { store: AsyncStore; identity: IdentityData; data: SupervisorData };
export type SupervisorUnderTest = SupervisorSide & {
  /** The same database as another relay process (or a restarted one) sees it. */
  again(): Promise<SupervisorSide>;
  dispose(): Promise<void>;
};

const log = pino({ level: 'silent' });
const T0 = Date.parse('2026-12-04T09:00:00.000Z');
const DAY = 86_400_000;
const SAM = { email: 'sam@example.com', password: 'pass-word-2' };

/** The supervisor room on `s`, served over HTTP on loopback; what it sent agents; its commits. */
async function startRoom(s: SupervisorSide, now: () => number, clock: HlcClock) {
  const o = resolveOptions({ dataDir: '/nonexistent', now });
  const audit = createAudit({ identity: s.identity, now, log });
  const auth = createAuth(s.identity, s.store, randomBytes(32), o, () => undefined, audit);
  const sent: { agentId: string; frame: ServerFrame }[] = [];
  const supervision = createSupervision({
    asyncStore: s.store,
    auth,
    directory: createDirectory({ identity: s.identity, records: s.store, clock, now }),
    audit,
    relayClock: clock,
    log,
    now,
    identity: s.identity,
    data: s.data,
    routingPresence: () => undefined,
    isConnected: () => true,
    sendToAgent: (agentId, frame) => sent.push({ agentId, frame }),
    // The day starts at midnight UTC whatever the machine's time zone.
    options: { dayStartOf: (ms) => ms - (ms % DAY) },
  });
  const commits: Commit[] = [];
  const unsubscribe = s.store.onCommit((c) => {
    commits.push(c);
    supervision.onChanges(c.changes);
  });
  const server: Server = createServer((req, res) => {
    void supervision.handle(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const token = (await auth.login({ ...SAM, deviceName: 'Wallboard' })).accessToken;
  const call = async <T>(method: string, path: string, body?: unknown) => {
    const r = await fetch(new URL(path, url), {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: r.status, body: (await r.json()) as T };
  };
  const board = async () => (await call<SupervisorBoard>('GET', '/v1/supervisor/board')).body;
  return {
    supervision,
    sent,
    commits,
    call,
    board,
    async close() {
      unsubscribe();
      supervision.close();
      await new Promise((r) => server.close(r));
    },
  };
}

type Room = Awaited<ReturnType<typeof startRoom>>;

/** Resolves once `pred` holds (checked every 10 ms, at most 5 s). */
async function until(pred: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the condition never held');
}

/** Registers the contract's tests in the enclosing describe, each on a fresh database from `make`. */
export function supervisorContract(make: (now: () => number) => Promise<SupervisorUnderTest>): void {
  let s: SupervisorUnderTest;
  let world: Awaited<ReturnType<typeof routingWorld>>;
  let convs: { resolved: string; waiting: string; ana: string };
  const rooms: Room[] = [];
  let wall = T0;
  const now = () => (wall += 1);

  beforeEach(async () => {
    wall = T0;
    s = await make(now);
    world = await routingWorld(s, now);
    const accounts = createAccountWrites({ identity: s.identity, records: s.store, clock: world.clock, now });
    await accounts.createAgent({ ...SAM, name: 'Sam', role: 'supervisor', teamIds: [world.teamId] }, null);
    // Today before the room starts: one chat taken and resolved, one waiting, one taken and open.
    convs = {
      resolved: await world.conversation('Order 1'),
      waiting: await world.conversation('Order 2'),
      ana: await world.conversation('Order 3'),
    };
    await world.write('conversation', convs.resolved, { assigneeId: world.ana.id });
    await world.write('conversation', convs.resolved, { status: 'resolved' });
    await world.write('conversation', convs.ana, { assigneeId: world.ana.id });
  });

  afterEach(async () => {
    for (const r of rooms.splice(0)) await r.close();
    await s.dispose();
  });

  const room = async (side: SupervisorSide) => {
    const r = await startRoom(side, now, world.clock);
    rooms.push(r);
    await r.supervision.loaded();
    return r;
  };
  const queueOf = (b: SupervisorBoard) => b.queues.find((q) => q.inboxId === world.inboxId)!;
  const anaOf = (b: SupervisorBoard) => b.agents.find((a) => a.id === world.ana.id)!;

  it("loads the day from the store: figures from today's history, the waiting customer, an agent's chat", async () => {
    const r = await room(s);
    const b = await r.board();
    expect(b.teams).toEqual([{ id: world.teamId, name: 'Support' }]);
    expect(queueOf(b)).toMatchObject({
      waiting: 1,
      offeredToday: 3,
      answeredToday: 2,
      answeredInTarget: 2,
      abandonedToday: 0,
      serviceLevel: 1,
    });
    expect(anaOf(b)).toMatchObject({ handledToday: 1, connected: false });
    expect(anaOf(b).chats).toEqual([
      expect.objectContaining({ conversationId: convs.ana, customerName: 'Customer of Order 3' }),
    ]);
  });

  it('reassigns in one transaction: written, routed again, told, audited and on the board; a refusal writes nothing', async () => {
    const r = await room(s);
    const done = await r.call('POST', `/v1/supervisor/conversations/${convs.waiting}/assign`, {
      toAgentId: world.ana.id,
      reason: 'The queue is long',
    });
    expect(done).toEqual({ status: 200, body: { conversationId: convs.waiting, assigneeId: world.ana.id } });
    expect((await s.store.get('conversation', convs.waiting))?.data['assigneeId']).toBe(world.ana.id);
    expect(r.commits.flatMap((c) => c.routingRequests)).toEqual([convs.waiting]);
    const told = r.sent.map((x) => x.frame as { t: string; notice?: SupervisorNotice });
    expect(told).toEqual([
      expect.objectContaining({
        t: 'supervisorNotice',
        notice: expect.objectContaining({
          kind: 'reassigned',
          toAgentName: 'Ana',
          by: expect.objectContaining({ name: 'Sam' }),
        }),
      }),
    ]);
    await until(async () =>
      (await s.identity.auditLines({ action: AUDIT.SUPERVISOR_REASSIGNED, limit: 5 })).some(
        (l) => l.target === convs.waiting,
      ),
    );
    const b = await r.board();
    expect(queueOf(b)).toMatchObject({ waiting: 0, offeredToday: 3, answeredToday: 3 });
    expect(anaOf(b).chats.map((c) => c.conversationId)).toEqual([convs.waiting, convs.ana]);

    // A resolved conversation is refused in words, and nothing is written.
    const head = await s.store.head();
    const refused = await r.call<{ error: { code: string; message: string } }>(
      'POST',
      `/v1/supervisor/conversations/${convs.resolved}/assign`,
      { toAgentId: world.ana.id, reason: 'Again' },
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('resolved');
    expect(await s.store.head()).toBe(head);
  });

  it('loads the same day in a second room on the same database (a restart, or another relay)', async () => {
    const first = await room(s);
    await first.call('POST', `/v1/supervisor/conversations/${convs.waiting}/assign`, {
      toAgentId: world.ana.id,
      reason: 'The queue is long',
    });
    const before = await first.board();
    const second = await room(await s.again());
    const after = await second.board();
    expect(after.queues).toEqual(before.queues);
    // (When each chat became hers is what the room saw; a room that did not see it says when it started.)
    const chats = (b: SupervisorBoard) => anaOf(b).chats.map((c) => [c.conversationId, c.customerName]);
    expect(anaOf(after).handledToday).toBe(1);
    expect(chats(after)).toEqual(chats(before));
  });

  it('takes the changes heard while it loads after the load, each conversation only when newer', async () => {
    const board = createLiveBoard({
      records: s.store,
      identity: s.identity,
      data: s.data,
      log,
      now,
      options: { dayStartOf: (ms) => ms - (ms % DAY) },
    });
    const held = (await s.store.get('conversation', convs.ana))!;
    const loading = board.load();
    const change = (id: string, seq: number, data: Record<string, unknown>): Change => ({
      seq,
      entity: 'conversation',
      id,
      data,
      clocks: {},
      deleted: false,
    });
    expect(board.ready()).toBe(false);
    // Older than what the load reads (it would take the chat from her), and one the load cannot have read.
    const fresh = { ...held.data, id: 'conv-new', subject: 'Order 4', assigneeId: null };
    expect(
      board.onChanges([
        change(convs.ana, held.seq - 1, { ...held.data, assigneeId: null }),
        change('conv-new', held.seq + 1_000, fresh),
      ]),
    ).toBe(false);
    await loading;
    const b = { at: '', ...(await board.boardFor({ all: true })) };
    expect(anaOf(b).chats.map((c) => c.conversationId)).toEqual([convs.ana]);
    expect(queueOf(b).waiting).toBe(2);
  });
}
