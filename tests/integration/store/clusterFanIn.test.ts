// Fan-out across relay processes (sync/clusterFanIn.ts): several relays on one PostgreSQL
// database, each a real sync hub with its own pool and its own WebSocket server, apps on any of
// them. What an app on one relay pushes reaches apps on the others live, through a poke over real
// NATS (or LISTEN/NOTIFY) and a read of the log; under 200 concurrent writers every app ends with
// exactly the log's changes it may see, each once and in log order; a reassignment across teams
// reaches both teams' apps on another relay; and pokes that are lost are covered by the poll.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { connect as natsConnect, type NatsConnection } from 'nats';
import pg from 'pg';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { encodeHlc, HlcClock } from '../../../src/shared/sync/hlc';
import { uuidv7 } from '../../../src/shared/sync/ids';
import { SYNC_PROTOCOL_VERSION, type PushedMutation } from '../../../src/shared/sync/protocol';
import { createMetrics } from '../../../src/relay/core/metrics';
import {
  natsPokes,
  pgPokes,
  type LogPoke,
  type PokeTransport,
} from '../../../src/relay/data/postgres/notify';
import { createPgIdentity } from '../../../src/relay/data/postgres/pgIdentity';
import { createPgLogReads } from '../../../src/relay/data/postgres/pgLogReads';
import { createPgStore, type PgStore } from '../../../src/relay/data/postgres/pgStore';
import type { Viewer } from '../../../src/relay/data/visibility';
import { createAccountWrites } from '../../../src/relay/identity/accountWrites';
import { createAudit } from '../../../src/relay/identity/audit';
import { createAuth, type Auth } from '../../../src/relay/identity/auth';
import { resolveOptions } from '../../../src/relay/options';
import { createClusterFanIn, type ClusterFanIn } from '../../../src/relay/sync/clusterFanIn';
import { createSyncHub } from '../../../src/relay/sync/hub';
import { createPusher, type Pusher } from '../../../src/relay/sync/push';
import { natsMissing, startNats, type RunningNats } from '../../support/nats';
import { postgresMissing, startPostgres, type RunningPostgres } from '../../support/postgres';
import { waitFor } from '../sync/waitFor';

const missing = postgresMissing() ?? natsMissing();
if (missing) console.warn(`cluster fan-in tests skipped: ${missing}`);

const log = pino({ level: 'silent' });
const now = () => Date.now();
const NO_POLL = 3_600_000;

type Frame = Record<string, unknown> & { t: string };
type Change = {
  seq: number;
  entity: string;
  id: string;
  data: Record<string, unknown> | null;
  deleted: boolean;
};

/** One relay process: its pool, hub, WebSocket server and fan-in; pokes it hears may be dropped. */
type Relay = {
  store: PgStore;
  auth: Auth;
  pusher: Pusher;
  fanIn: ClusterFanIn;
  url: string;
  /** While true, every poke this relay hears is lost. */
  deaf: { on: boolean };
  close(): Promise<void>;
};

/** An app on one relay: every frame it got, and the changes in the order they came. */
type App = { frames: Frame[]; changes(): Change[]; ws: WebSocket };

/** A transport whose subscriber loses every poke while `deaf.on` (as a dropped message would). */
function lossy(t: PokeTransport, deaf: { on: boolean }): PokeTransport {
  return {
    publish: (p) => t.publish(p),
    subscribe: (onPoke, onGap) => t.subscribe((p: LogPoke) => (deaf.on ? undefined : onPoke(p)), onGap),
  };
}

describe.skipIf(missing !== null)('relay/sync/clusterFanIn across relays on one PostgreSQL', () => {
  let pgServer: RunningPostgres;
  let natsServer: RunningNats;
  const open: { close(): Promise<void> }[] = [];
  beforeAll(async () => {
    [pgServer, natsServer] = await Promise.all([startPostgres(), startNats()]);
  });
  afterEach(async () => {
    for (const o of open.splice(0).reverse()) await o.close();
  });
  afterAll(async () => {
    await Promise.all([pgServer?.stop(), natsServer?.stop()]);
  });

  type Transport = 'NATS' | 'LISTEN/NOTIFY';

  /** `n` relays on a fresh database, two teams with a chat inbox each, and Ana (A), Bo (B), Ada (admin). */
  async function cluster(
    n: number,
    o: { transport?: Transport; safetyPollMs?: number; maxBatch?: number } = {},
  ) {
    const dbUrl = await pgServer.createDatabase();
    const secret = randomBytes(32);
    const opts = resolveOptions({ dataDir: '/nonexistent', now });
    const relays: Relay[] = [];
    for (let i = 0; i < n; i++) {
      const store = await createPgStore({ connectionString: dbUrl, now, poolSize: 12 });
      const identity = createPgIdentity(store);
      const audit = createAudit({ identity, now, log });
      const auth = createAuth(identity, store, secret, opts, () => undefined, audit);
      const pusher = createPusher({
        identity,
        relayClock: new HlcClock(`relay-${i}`, now),
        maxClockSkewMs: 600_000,
        now,
        log,
      });
      const hub = createSyncHub({ store, auth, identity, pusher, metrics: createMetrics(), log, o: opts });
      let nc: NatsConnection | null = null;
      let transport: PokeTransport;
      if ((o.transport ?? 'NATS') === 'NATS') {
        nc = await natsConnect({ servers: natsServer.url });
        transport = natsPokes(nc);
      } else transport = pgPokes(store.pool, { connectionString: dbUrl });
      const deaf = { on: false };
      const fanIn = await createClusterFanIn({
        store,
        reads: createPgLogReads(store.pool),
        hub,
        transport: lossy(transport, deaf),
        origin: `relay-${i}`,
        log,
        safetyPollMs: o.safetyPollMs ?? NO_POLL,
        ...(o.maxBatch === undefined ? {} : { maxBatch: o.maxBatch }),
      });
      const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
      wss.on('connection', (ws) => hub.accept(ws));
      await new Promise((r) => wss.once('listening', r));
      const relay: Relay = {
        store,
        auth,
        pusher,
        fanIn,
        deaf,
        url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
        async close() {
          for (const ws of wss.clients) ws.terminate();
          await new Promise((r) => wss.close(r));
          hub.close();
          await fanIn.stop();
          await nc?.close();
          await store.close();
        },
      };
      relays.push(relay);
      open.push(relay);
    }
    const first = relays[0]!;
    const identity = createPgIdentity(first.store);
    const accounts = createAccountWrites({
      identity,
      records: first.store,
      clock: new HlcClock('admin', now),
      now,
    });
    const team = async (name: string) => {
      const id = uuidv7(now());
      await identity.insertTeam({ id, name, created_at: now() });
      await identity.insertInbox({ id: uuidv7(now()), name: `${name} chat`, channel: 'chat', team_id: id });
      return id;
    };
    const teamA = await team('Support');
    const teamB = await team('Billing');
    const agent = async (email: string, name: string, role: 'agent' | 'admin', teamIds: string[]) => {
      const a = await accounts.createAgent({ email, password: 'pass-word-1', name, role, teamIds }, null);
      const viewer: Viewer = { agentId: a.id, role, teamIds: new Set(teamIds) };
      return { id: a.id, email, viewer };
    };
    const ana = await agent('ana@example.com', 'Ana', 'agent', [teamA]);
    const bo = await agent('bo@example.com', 'Bo', 'agent', [teamB]);
    const ada = await agent('ada@example.com', 'Ada', 'admin', []);
    return { dbUrl, relays, teamA, teamB, ana, bo, ada };
  }

  /** Signs in on `relay` and follows from an empty cache; resolves once caught up (live). */
  async function app(relay: Relay, email: string, device: string): Promise<App> {
    const { accessToken } = await relay.auth.login({ email, password: 'pass-word-1', deviceName: device });
    const ws = new WebSocket(relay.url);
    const frames: Frame[] = [];
    ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ t: 'hello', protocol: SYNC_PROTOCOL_VERSION, accessToken, cursor: 0 }));
    await waitFor(
      () => frames.some((f) => f.t === 'changes' && f['more'] === false),
      () => `${email} caught up on ${relay.url}`,
    );
    open.push({ close: async () => ws.terminate() });
    const changes = () => frames.flatMap((f) => (f.t === 'changes' ? (f['changes'] as Change[]) : []));
    return { frames, changes, ws };
  }

  let tick = 0;
  const mutation = (name: string, args: Record<string, unknown>): PushedMutation => ({
    id: uuidv7(now()),
    name,
    args,
    clock: encodeHlc({ wall: now(), counter: ++tick % 1000, node: 'app-test' }),
  });
  const principal = (agentId: string, role: Viewer['role']) => ({
    agentId,
    role,
    deviceId: `writer-${agentId}`,
    expiresAt: Number.MAX_SAFE_INTEGER,
  });

  /** Pushes on `relay` as `who`; throws unless every mutation applied. */
  async function push(relay: Relay, who: { id: string; viewer: Viewer }, mutations: PushedMutation[]) {
    const r = await relay.pusher.push(principal(who.id, who.viewer.role), who.viewer, mutations);
    for (const x of r.results)
      if (x.status !== 'applied') throw new Error(`push refused: ${JSON.stringify(x)}`);
    return r.results.map((x) => ('seq' in x ? x.seq : 0));
  }

  /** A customer, a chat conversation of the pusher's team and a first message. */
  async function conversation(relay: Relay, who: { id: string; viewer: Viewer }, body: string) {
    const customerId = uuidv7(now());
    const convId = uuidv7(now());
    const messageId = uuidv7(now());
    await push(relay, who, [
      mutation('customer.create', { id: customerId, fields: { name: `Customer ${body}` } }),
      mutation('conversation.create', { id: convId, customerId, channel: 'chat', subject: body }),
      mutation('message.send', { id: messageId, conversationId: convId, body }),
    ]);
    return { customerId, convId, messageId };
  }

  const hasChange = (a: App, id: string) => a.changes().some((c) => c.id === id);

  for (const transport of ['NATS', 'LISTEN/NOTIFY'] as const) {
    it(`brings what an app pushed on one relay live to an app on another, over ${transport}`, async () => {
      // No safety poll: what arrives, arrives because it was poked.
      const { relays, ana } = await cluster(2, { transport });
      const [one, two] = relays as [Relay, Relay];
      const laptop = await app(one, ana.email, 'Laptop');
      const phone = await app(two, ana.email, 'Phone');
      const { convId, messageId } = await conversation(one, ana, 'Where is my parcel?');
      await waitFor(
        () => hasChange(phone, messageId),
        () => `the phone on relay two to get ${messageId}`,
      );
      const got = phone.frames.find(
        (f) => f.t === 'changes' && (f['changes'] as Change[]).some((c) => c.id === messageId),
      )!;
      expect((got['changes'] as Change[]).map((c) => c.id)).toEqual(
        expect.arrayContaining([convId, messageId]),
      );
      expect(got['cursor']).toBe(await two.store.head());
      // Its own relay sent it to the laptop as a local commit, the same changes.
      await waitFor(
        () => hasChange(laptop, messageId),
        () => 'the laptop',
      );
      const ids = (a: App) => a.changes().map((c) => `${c.seq}:${c.id}`);
      expect(ids(phone)).toEqual(ids(laptop));
    });
  }

  it('gives every app exactly the log it may see, once and in order, under 200 writers on three relays', async () => {
    const { dbUrl, relays, ana, bo, ada } = await cluster(3);
    const [one, two, three] = relays as [Relay, Relay, Relay];
    const followers = [
      { app: await app(one, ana.email, 'Ana on one'), viewer: ana.viewer },
      { app: await app(two, bo.email, 'Bo on two'), viewer: bo.viewer },
      { app: await app(three, ada.email, 'Ada on three'), viewer: ada.viewer },
    ];
    const WRITERS = 200;
    let late: Promise<void> | null = null;
    const writer = async (w: number) => {
      const relay = relays[w % 3]!;
      const who = w % 2 === 0 ? ana : bo;
      const { convId } = await conversation(relay, who, `writer ${w}`);
      // Halfway, an app joins relay three while the others write (its catch-up races their commits).
      if (w === WRITERS / 2)
        late = app(three, ana.email, 'Ana late on three').then(
          (a) => void followers.push({ app: a, viewer: ana.viewer }),
        );
      await push(relay, who, [
        mutation('message.send', { id: uuidv7(now()), conversationId: convId, body: `w${w} last` }),
        mutation('conversation.setStatus', { id: convId, status: 'resolved' }),
      ]);
    };
    const wrote = await Promise.allSettled(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    for (const w of wrote) if (w.status === 'rejected') throw w.reason;
    await late;
    expect(followers).toHaveLength(4);

    // What each may see of the whole log: every record in its latest state.
    const c = new pg.Client({ connectionString: dbUrl });
    await c.connect();
    const logRows = (await c.query<{ seq: string; record_id: string }>('SELECT seq, record_id FROM log'))
      .rows;
    await c.end();
    const logAt = new Map(logRows.map((r) => [Number(r.seq), r.record_id]));
    const key = (ch: Change) => `${ch.entity}:${ch.id}`;
    const latest = (changes: Change[]) => new Map(changes.map((ch) => [key(ch), ch.seq]));
    for (const f of followers) {
      const expected = latest(await one.store.changesAfter(f.viewer, 0, 100_000));
      await waitFor(
        () => {
          const got = latest(f.app.changes());
          return [...expected].every(([k, seq]) => got.get(k) === seq);
        },
        () => `${f.viewer.agentId} to hold all ${expected.size} records it may see`,
        60_000,
      );
      const got = f.app.changes();
      // Once each and in log order: positions only grow, frame after frame.
      const seqs = got.map((ch) => ch.seq);
      expect(seqs).toEqual([...new Set(seqs)].sort((x, y) => x - y));
      // Each one a change of the log at that position, and nothing it may not see.
      expect(got.filter((ch) => logAt.get(ch.seq) !== ch.id)).toEqual([]);
      expect(latest(got)).toEqual(expected);
    }
    // The admin saw everything; the agents each their own team's (their conversations and threads).
    const all = latest(await one.store.changesAfter(ada.viewer, 0, 100_000));
    const anaSaw = latest(followers[0]!.app.changes());
    const boSaw = latest(followers[1]!.app.changes());
    expect(anaSaw.size).toBeLessThan(all.size);
    expect(boSaw.size).toBeLessThan(all.size);
    expect(all.size).toBeGreaterThan(WRITERS * 5);
    // A machine shared with other jobs: 200 writers take a while.
  }, 180_000);

  it('moves a conversation reassigned on one relay out of the old team and whole into the new on another', async () => {
    const { relays, ana, bo, teamB } = await cluster(2);
    const [one, two] = relays as [Relay, Relay];
    const anaTwo = await app(two, ana.email, 'Ana on two');
    const boTwo = await app(two, bo.email, 'Bo on two');
    const { convId, messageId } = await conversation(one, ana, 'Invoice twice');
    const noteId = uuidv7(now());
    await push(one, ana, [mutation('note.add', { id: noteId, conversationId: convId, body: 'for Billing' })]);
    await waitFor(
      () => hasChange(anaTwo, noteId),
      () => 'Ana on two to get the note',
    );
    expect(hasChange(boTwo, convId)).toBe(false);

    const [moved] = await push(one, ana, [
      mutation('conversation.transfer', { id: convId, toTeamId: teamB }),
    ]);
    const gone = (a: App) => a.changes().some((c) => c.id === convId && c.deleted && c.seq >= moved!);
    await waitFor(
      () => gone(anaTwo),
      () => 'Ana on two to get the tombstone',
    );
    const conv = (a: App) =>
      a
        .changes()
        .filter((c) => c.id === convId && !c.deleted)
        .at(-1);
    await waitFor(
      () => conv(boTwo)?.data?.['teamId'] === teamB,
      () => 'Bo on two to get the conversation',
    );
    // Bo gets the thread that came before the move: the message and the note.
    expect(hasChange(boTwo, messageId)).toBe(true);
    expect(hasChange(boTwo, noteId)).toBe(true);
    // Nothing of it reaches Ana after the tombstone: Bo's reply goes to Bo alone.
    const replyId = uuidv7(now());
    await push(one, bo, [
      mutation('message.send', { id: replyId, conversationId: convId, body: 'Billing here' }),
    ]);
    await waitFor(
      () => hasChange(boTwo, replyId),
      () => 'Bo on two to get the reply',
    );
    const t = anaTwo.changes().findIndex((c) => c.id === convId && c.deleted);
    expect(anaTwo.changes().slice(t + 1)).toEqual([]);
    expect(hasChange(anaTwo, replyId)).toBe(false);
  });

  it('covers pokes that were lost with its safety poll', async () => {
    const { relays, ana } = await cluster(2, { safetyPollMs: 100 });
    const [one, two] = relays as [Relay, Relay];
    const phone = await app(two, ana.email, 'Phone');
    two.deaf.on = true;
    const { messageId } = await conversation(one, ana, 'Nobody told');
    await waitFor(
      () => hasChange(phone, messageId),
      () => 'the phone to get the change without a poke',
    );
    two.deaf.on = false;
    const again = await conversation(one, ana, 'Told again');
    await waitFor(
      () => hasChange(phone, again.messageId),
      () => 'the phone to get the next change',
    );
    const seqs = phone.changes().map((c) => c.seq);
    expect(seqs).toEqual([...new Set(seqs)].sort((x, y) => x - y));
  });

  it('sends its apps to catch up on their own when more changed than one batch holds', async () => {
    const { relays, ana } = await cluster(2, { maxBatch: 2 });
    const [one, two] = relays as [Relay, Relay];
    const phone = await app(two, ana.email, 'Phone');
    const { convId, messageId } = await conversation(one, ana, 'Three records at once');
    await waitFor(
      () => hasChange(phone, messageId),
      () => 'the phone to catch up',
    );
    expect(hasChange(phone, convId)).toBe(true);
    const seqs = phone.changes().map((c) => c.seq);
    expect(seqs).toEqual([...new Set(seqs)].sort((x, y) => x - y));
    // And live again after it: a one-record change comes as a batch.
    const noteId = uuidv7(now());
    await push(one, ana, [mutation('note.add', { id: noteId, conversationId: convId, body: 'small' })]);
    await waitFor(
      () => hasChange(phone, noteId),
      () => 'the phone to get the note',
    );
  });
});
