// The sync core's promise (ARCHITECTURE "Data and sync"): the app's optimistic apply and the
// relay's authoritative apply make byte-identical records. Random rounds of mutations from two
// app caches (real encrypted SQLite files) go through each app's optimistic path (LocalStore:
// mutate, then rebase on the relay's state) and the relay's authoritative path (push.ts and
// mutate.ts on a real SQLite file); after every push the app's records must equal the relay's,
// data and clocks, as canonical JSON. The two caches act for one agent with one device id and one
// wall clock, so mutations made in the same round carry equal clocks: ties from both sides.
// Customers write in too (the relay's inbound path, under an SLA policy), so the SLA fields the
// relay sets are met by the builders that clear them (a reply, a resolve) on both sides.
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../../../src/main/base/logger';
import { LocalStore } from '../../../src/main/store/localStore';
import { touchesOf } from '../../../src/main/store/mutators';
import { createAccounts } from '../../../src/relay/identity/accounts';
import { createInbound } from '../../../src/relay/channels/inbound';
import { createSqliteInboundData } from '../../../src/relay/data/inboundData';
import { writeFields } from '../../../src/relay/data/records';
import type { Principal } from '../../../src/relay/identity/auth';
import { openDatabase, type Database } from '../../../src/relay/data/db';
import { createPusher } from '../../../src/relay/sync/push';
import { type Store } from '../../../src/relay/data/store';
import { asyncSqliteStore } from '../../../src/relay/data/sqliteAsync';
import { createSqliteIdentity } from '../../../src/relay/data/sqliteIdentity';
import { createStore } from '../../../src/relay/data/sqliteStore';
import type { Viewer } from '../../../src/relay/data/visibility';
import { canonicalJson } from '../../../src/shared/sync/canonicalJson';
import { HlcClock, type Hlc } from '../../../src/shared/sync/hlc';
import { CALL_EVENT_STATES, type Mutation, type MutationName } from '../../../src/shared/sync/mutations';

const KINDS = ['customer', 'conversation', 'message', 'note', 'call'] as const;
const T0 = Date.UTC(2026, 0, 5, 9);
const dirs: string[] = [];
const tmp = (p: string) => {
  const d = mkdtempSync(join(tmpdir(), p));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

// Small pools of values, so equal clocks often meet different values on the same field.
const NAMES = ['Li Na 李娜', 'Omar', 'Zoë'];
const PHONES = ['+14155550123', '+8613812345678', '+44 20 7946 0958', '12345'];
const EMAILS = ['Ana@Example.com', 'li.na@example.cn', 'ana@example.com'];
const LABELS = ['vip', 'refund', 'billing'];
const TEXT = ['Hello', 'Call me back', '谢谢'];

type Op =
  | { k: 'customer.create'; name: number; phones: number[]; emails: number[] }
  | { k: 'customer.update'; c: number; field: 'name' | 'company' | 'phones' | 'emails'; v: number }
  | { k: 'customer.merge'; s: number; t: number }
  | { k: 'customer.unmerge'; s: number }
  | { k: 'conversation.create'; c: number; channel: 'chat' | 'voice' | 'email'; team: number | null }
  | { k: 'conversation.transfer'; v: number; to: 'X' | 'Y' | 'T1' | 'T2' }
  | {
      k: 'conversation.setStatus';
      v: number;
      status: 'open' | 'pending' | 'snoozed' | 'resolved';
      wake: boolean;
    }
  | { k: 'label'; v: number; add: boolean; label: number }
  | { k: 'message.send'; v: number; body: number }
  | { k: 'note.add'; v: number; body: number; mentions: ('X' | 'Y')[] }
  | { k: 'call.log'; v: number; inbound: boolean; backwards: boolean; quality: boolean }
  | { k: 'call.event'; v: number; state: number; call: number };

const n = fc.nat({ max: 5 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    k: fc.constant('customer.create' as const),
    name: fc.nat({ max: 2 }),
    phones: fc.array(fc.nat({ max: 3 }), { maxLength: 2 }),
    emails: fc.array(fc.nat({ max: 2 }), { maxLength: 2 }),
  }),
  fc.record({
    k: fc.constant('customer.update' as const),
    c: n,
    field: fc.constantFrom('name' as const, 'company' as const, 'phones' as const, 'emails' as const),
    v: fc.nat({ max: 2 }),
  }),
  fc.record({ k: fc.constant('customer.merge' as const), s: n, t: n }),
  fc.record({ k: fc.constant('customer.unmerge' as const), s: n }),
  fc.record({
    k: fc.constant('conversation.create' as const),
    c: n,
    channel: fc.constantFrom('chat' as const, 'voice' as const, 'email' as const),
    team: fc.option(fc.nat({ max: 1 })),
  }),
  fc.record({
    k: fc.constant('conversation.transfer' as const),
    v: n,
    to: fc.constantFrom('X' as const, 'Y' as const, 'T1' as const, 'T2' as const),
  }),
  fc.record({
    k: fc.constant('conversation.setStatus' as const),
    v: n,
    status: fc.constantFrom('open' as const, 'pending' as const, 'snoozed' as const, 'resolved' as const),
    wake: fc.boolean(),
  }),
  fc.record({ k: fc.constant('label' as const), v: n, add: fc.boolean(), label: fc.nat({ max: 2 }) }),
  fc.record({ k: fc.constant('message.send' as const), v: n, body: fc.nat({ max: 2 }) }),
  fc.record({
    k: fc.constant('note.add' as const),
    v: n,
    body: fc.nat({ max: 2 }),
    mentions: fc.array(fc.constantFrom('X' as const, 'Y' as const), { maxLength: 3 }),
  }),
  fc.record({
    k: fc.constant('call.log' as const),
    v: n,
    inbound: fc.boolean(),
    backwards: fc.boolean(),
    quality: fc.boolean(),
  }),
  fc.record({
    k: fc.constant('call.event' as const),
    v: n,
    state: fc.nat({ max: CALL_EVENT_STATES.length - 1 }),
    call: fc.nat({ max: 1 }),
  }),
);
// Rounds of [app A's mutations, app B's mutations, conversations customers write in first],
// the apps' made offline in the same round.
const program = fc.array(
  fc.tuple(
    fc.array(op, { maxLength: 5 }),
    fc.array(op, { maxLength: 5 }),
    fc.array(fc.nat({ max: 5 }), { maxLength: 2 }),
  ),
  { minLength: 1, maxLength: 4 },
);

type World = {
  db: Database;
  store: Store;
  push: (ms: Mutation[]) => ReturnType<ReturnType<typeof createPusher>['push']>;
  viewer: Viewer;
  ids: { X: string; Y: string; T1: string; T2: string };
  apps: [LocalStore, LocalStore];
  setWall: (ms: number) => void;
  /** The customer of conversation `id` writes in it (the relay's inbound path). */
  customerWrites: (id: string) => Promise<void>;
};

// The relay's accounts (two teams, their inboxes under an SLA policy, two agents) are made once and
// each program starts from a copy of that database: hashing the agents' passwords (scrypt) was most
// of a program's cost, and it is not what the property is about.
type Setup = { dir: string; ids: World['ids']; last: Hlc };
let setupOnce: Promise<Setup> | undefined;

async function setup(): Promise<Setup> {
  const dir = tmp('sb-core-setup-');
  const db = openDatabase(dir);
  const store = createStore(db, () => T0);
  const relayClock = new HlcClock('relay', () => T0 - 60_000);
  const accounts = createAccounts(db, store, relayClock, () => T0);
  const t1 = accounts.createTeam('Support', null);
  const t2 = accounts.createTeam('Billing', null);
  const sla = {
    firstResponseMinutes: 30,
    resolutionMinutes: 240,
    timeZone: 'Asia/Shanghai',
    hours: null,
    holidays: [],
  };
  for (const [teamId, channel] of [
    [t1.id, 'chat'],
    [t1.id, 'voice'],
    [t2.id, 'chat'],
    [t2.id, 'email'],
  ] as const) {
    const inbox = accounts.createInbox({ name: `${channel} ${teamId.slice(-4)}`, channel, teamId }, null);
    store.transaction(() =>
      writeFields(
        store,
        { entity: 'inbox', id: inbox.id, fields: { sla }, clock: relayClock.now(), convId: null, at: '' },
        { mutationId: null, agentId: null },
      ),
    );
  }
  const x = await accounts.createAgent(
    { email: 'x@example.com', password: 'agent-pass-1', name: 'X', role: 'agent', teamIds: [t1.id, t2.id] },
    null,
  );
  const y = await accounts.createAgent(
    { email: 'y@example.com', password: 'agent-pass-1', name: 'Y', role: 'agent', teamIds: [t1.id] },
    null,
  );
  const last = relayClock.now();
  db.close();
  return { dir, ids: { X: x.id, Y: y.id, T1: t1.id, T2: t2.id }, last };
}

async function world(): Promise<World> {
  const { dir, ids, last } = await (setupOnce ??= setup());
  let wall = T0;
  const now = () => wall;
  const relayDir = tmp('sb-core-relay-');
  cpSync(dir, relayDir, { recursive: true });
  const db = openDatabase(relayDir);
  const store = createStore(db, now);
  const relayClock = new HlcClock('relay', () => T0 - 60_000);
  relayClock.receive(last);
  const records = asyncSqliteStore(store);
  const identity = createSqliteIdentity(db, records);
  const accounts = createAccounts(db, store, relayClock, now, { identity, records });
  const pusher = createPusher({
    identity,
    relayClock,
    maxClockSkewMs: 600_000,
    now,
    log: createSilentLogger(),
  });
  const inbound = createInbound({
    data: createSqliteInboundData(db, records),
    identity,
    relayClock,
    now,
    route: () => {},
  });
  const x = accounts.publicAgent(ids.X);
  const viewer: Viewer = { agentId: x.id, role: 'agent', teamIds: new Set(x.teamIds) };
  const p: Principal = {
    agentId: x.id,
    role: 'agent',
    deviceId: 'laptop-x',
    expiresAt: Number.MAX_SAFE_INTEGER,
  };
  const apps = [0, 1].map(() => {
    const s = LocalStore.open({
      path: join(tmp('sb-core-app-'), 'cache.db'),
      key: randomBytes(32),
      log: createSilentLogger(),
      now,
    });
    s.setIdentity({ deviceId: 'laptop-x', agent: accounts.publicAgent(x.id) });
    return s;
  }) as [LocalStore, LocalStore];
  return {
    db,
    store,
    push: (ms) => pusher.push(p, viewer, ms),
    viewer,
    ids,
    apps,
    setWall: (ms) => (wall = ms),
    customerWrites: async (id) => {
      const c = store.get('conversation', id)?.data;
      if (!c || typeof c['inboxId'] !== 'string') return; // no inbox of its channel: no customer writes
      await inbound.receive({
        inboxId: c['inboxId'],
        from: {},
        text: 'Any news?',
        customerId: String(c['customerId']),
        conversationId: id,
      });
    },
  };
}

const idsOf = (app: LocalStore, entity: 'customer' | 'conversation') =>
  (
    app.db
      .prepare('SELECT id FROM records WHERE entity = ? AND data IS NOT NULL AND deleted = 0 ORDER BY id')
      .all(entity) as { id: string }[]
  ).map((r) => r.id);

/** Turns a generated op into a mutation on the records this app holds (a create when it holds none). */
function make(app: LocalStore, w: World, o: Op): void {
  const customers = idsOf(app, 'customer');
  const conversations = idsOf(app, 'conversation');
  const cust = (i: number) => customers[i % customers.length]!;
  const conv = (i: number) => conversations[i % conversations.length]!;
  if (customers.length === 0)
    return void app.mutate('customer.create', { id: app.newId(), fields: { name: NAMES[0]! } });
  if (conversations.length === 0 && !o.k.startsWith('customer.') && o.k !== 'conversation.create')
    return void app.mutate('conversation.create', {
      id: app.newId(),
      customerId: cust(0),
      channel: 'chat',
      subject: 'Hi',
    });
  switch (o.k) {
    case 'customer.create':
      return void app.mutate('customer.create', {
        id: app.newId(),
        fields: {
          name: NAMES[o.name]!,
          phones: o.phones.map((i) => PHONES[i]!),
          emails: o.emails.map((i) => EMAILS[i]!),
        },
      });
    case 'customer.update': {
      const fields =
        o.field === 'phones'
          ? { phones: [PHONES[o.v]!] }
          : o.field === 'emails'
            ? { emails: [EMAILS[o.v]!] }
            : { [o.field]: NAMES[o.v]! };
      return void app.mutate('customer.update', { id: cust(o.c), fields });
    }
    case 'customer.merge':
      return void app.mutate('customer.merge', { sourceId: cust(o.s), targetId: cust(o.t) });
    case 'customer.unmerge': {
      const merged = app.record('customer', cust(o.s))?.data['mergedInto'];
      return void app.mutate('customer.unmerge', {
        sourceId: cust(o.s),
        targetId: typeof merged === 'string' ? merged : cust(o.s + 1),
      });
    }
    case 'conversation.create':
      return void app.mutate('conversation.create', {
        id: app.newId(),
        customerId: cust(o.c),
        channel: o.channel,
        subject: TEXT[o.c % 3]!,
        ...(o.team === null ? {} : { teamId: o.team === 0 ? w.ids.T1 : w.ids.T2 }),
      });
    case 'conversation.transfer':
      return void app.mutate('conversation.transfer', {
        id: conv(o.v),
        ...(o.to === 'X' || o.to === 'Y' ? { toAgentId: w.ids[o.to] } : { toTeamId: w.ids[o.to] }),
      });
    case 'conversation.setStatus':
      return void app.mutate('conversation.setStatus', {
        id: conv(o.v),
        status: o.status,
        ...(o.wake ? { snoozedUntil: new Date(T0 + 86_400_000).toISOString() } : {}),
      });
    case 'label':
      return void app.mutate(o.add ? 'conversation.addLabel' : 'conversation.removeLabel', {
        id: conv(o.v),
        label: LABELS[o.label]!,
      });
    case 'message.send':
      return void app.mutate('message.send', {
        id: app.newId(),
        conversationId: conv(o.v),
        body: TEXT[o.body]!,
      });
    case 'note.add':
      return void app.mutate('note.add', {
        id: app.newId(),
        conversationId: conv(o.v),
        body: TEXT[o.body]!,
        mentions: o.mentions.map((m) => w.ids[m]),
      });
    case 'call.log': {
      const start = new Date(T0).toISOString();
      const end = new Date(o.backwards ? T0 - 1000 : T0 + 60_000).toISOString();
      return void app.mutate('call.log', {
        id: app.newId(),
        conversationId: conv(o.v),
        direction: o.inbound ? 'in' : 'out',
        from: '+14155550123',
        to: '+8613812345678',
        startedAt: start,
        answeredAt: o.inbound ? null : start,
        endedAt: end,
        disposition: o.inbound ? null : 'resolved',
        note: 'Wrap-up',
        ...(o.quality ? { quality: { mosMin: 3.1, mosAvg: 4.2, samples: 12, warnings: [] } } : {}),
      });
    }
    case 'call.event': {
      // On any conversation: the relay refuses those not voice or not the agent's (then rolled back).
      const state = CALL_EVENT_STATES[o.state]!;
      return void app.mutate('call.event', {
        id: app.newId(),
        conversationId: conv(o.v),
        callId: `call-${o.call}@pbx`,
        state,
        direction: 'in',
        ...(state === 'ended' ? { endedBy: 'agent' as const } : {}),
      });
    }
  }
}

/** Every record a mutation makes, as canonical JSON of data and clocks, by kind and id. */
function relayRecords(store: Store, db: Database): Map<string, string> {
  const out = new Map<string, string>();
  for (const kind of KINDS)
    for (const { id } of db.prepare('SELECT id FROM records WHERE entity = ? AND deleted = 0').all(kind) as {
      id: string;
    }[]) {
      const r = store.get(kind, id)!;
      out.set(`${kind} ${id}`, canonicalJson({ data: r.data, clocks: r.clocks }));
    }
  return out;
}

function appRecords(app: LocalStore): Map<string, string> {
  const out = new Map<string, string>();
  for (const kind of KINDS)
    for (const { id } of app.db
      .prepare('SELECT id FROM records WHERE entity = ? AND data IS NOT NULL AND deleted = 0')
      .all(kind) as { id: string }[]) {
      const r = app.record(kind, id)!;
      out.set(`${kind} ${id}`, canonicalJson({ data: r.data, clocks: r.clocks }));
    }
  return out;
}

const sorted = (m: Map<string, string>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1));

/** The app pushes its outbox and takes the relay's answers (rejected changes roll back). */
async function pushAll(app: LocalStore, w: World): Promise<Mutation[]> {
  const pending = app
    .pending(10_000)
    .map(({ id, name, args, clock }) => ({ id, name, args, clock }) as Mutation);
  app.acknowledge((await w.push(pending)).results);
  return pending;
}

function pull(app: LocalStore, w: World): void {
  app.applyChanges(w.store.changesAfter(w.viewer, app.cursor(), 100_000), w.store.head());
}

let ties = 0;
let met = 0;

async function runProgram(rounds: [Op[], Op[], number[]][]): Promise<void> {
  const w = await world();
  const [a, b] = w.apps;
  try {
    pull(a, w);
    pull(b, w);
    for (const [r, [opsA, opsB, writes]] of rounds.entries()) {
      // One wall time per round, later than every clock so far: A's k-th and B's k-th mutation
      // carry the same clock.
      w.setWall(T0 + (r + 1) * 60_000);
      const held = idsOf(a, 'conversation');
      for (const v of writes) if (held.length > 0) await w.customerWrites(held[v % held.length]!);
      if (writes.length > 0) {
        pull(a, w);
        pull(b, w);
      }
      for (const o of opsA) make(a, w, o);
      for (const o of opsB) make(b, w, o);
      const sentA = await pushAll(a, w);
      expect(sorted(appRecords(a)), 'app A optimistic vs relay').toEqual(sorted(relayRecords(w.store, w.db)));
      // B takes A's changes as the relay's state, replays its own pending changes on top of them
      // (the optimistic path meeting equal clocks), then pushes them.
      pull(b, w);
      const sentB = await pushAll(b, w);
      expect(sorted(appRecords(b)), 'app B optimistic vs relay').toEqual(sorted(relayRecords(w.store, w.db)));
      ties += countTies(sentA, sentB);
      // A reply met a first response the relay had set (the SLA builders ran on both sides).
      met += w.db
        .prepare(
          `SELECT count(*) FROM records WHERE entity = 'conversation' AND json_extract(data, '$.slaResolutionDueAt') IS NOT NULL
             AND json_extract(data, '$.slaFirstResponseDueAt') IS NULL`,
        )
        .pluck()
        .get() as number;
      pull(a, w);
      pull(b, w);
    }
  } finally {
    for (const app of w.apps) app.close();
    w.db.close();
  }
}

/** Pairs of A's and B's mutations with one clock that touch one record. */
function countTies(as: Mutation[], bs: Mutation[]): number {
  const key = (m: Mutation) =>
    touchesOf(m.name as MutationName, m.args).map((k) => `${m.clock} ${k.entity} ${k.id}`);
  const seen = new Set(as.flatMap(key));
  return bs.filter((m) => key(m).some((k) => seen.has(k))).length;
}

describe('sync core: app and relay make the same records', () => {
  it('a reply or call made offline while the relay merges its customer carries the customer the merge moved the conversation to', async () => {
    // A counterexample fast-check found (shrunk): B starts a conversation; next round A merges its
    // customer away while B replies in it. B's rebase on the merge must rebuild the reply's message
    // and call (their customerId), not only the conversation, as the relay builds them after the merge.
    // Which of the two customers sorts first depends on their random ids: both ways round, so one
    // of them merges B's customer (with the conversation) away.
    for (const [s, t] of [
      [1, 0],
      [0, 1],
    ] as const)
      await runProgram([
        [
          [{ k: 'conversation.transfer', v: 0, to: 'X' }],
          [
            { k: 'call.log', v: 0, inbound: false, backwards: false, quality: false },
            { k: 'message.send', v: 0, body: 0 },
          ],
          [],
        ],
        [
          [{ k: 'customer.merge', s, t }],
          [
            { k: 'message.send', v: 0, body: 0 },
            { k: 'call.log', v: 0, inbound: true, backwards: false, quality: false },
            { k: 'customer.create', name: 0, phones: [0], emails: [] },
          ],
          [],
        ],
      ]);
  });

  it('a merge made offline and replayed on a relay change moves only the conversations its customer had then', async () => {
    // A counterexample fast-check found (shrunk): B merges a customer away, then starts a conversation
    // for it; A's edit of that customer makes B replay the merge, which must not take the
    // conversation made after it (the relay merged before it was made).
    await runProgram([
      [
        [{ k: 'customer.update', c: 0, field: 'name', v: 0 }],
        [{ k: 'call.log', v: 0, inbound: false, backwards: false, quality: false }],
        [],
      ],
      [
        [{ k: 'customer.update', c: 0, field: 'name', v: 0 }],
        [
          { k: 'customer.merge', s: 0, t: 3 },
          { k: 'note.add', v: 0, body: 0, mentions: [] },
        ],
        [],
      ],
    ]);
  });

  it('a refused change replays the merge before it, which still moves the conversation made before the merge', async () => {
    // A counterexample fast-check found (shrunk): A starts a conversation for a customer, merges
    // that customer away, then tries a merge the relay refuses; rolling that back replays the
    // first merge, which must find the new conversation (held only optimistically) and move it.
    await runProgram([
      [
        [{ k: 'conversation.setStatus', v: 0, status: 'open', wake: false }],
        [{ k: 'message.send', v: 0, body: 0 }],
        [],
      ],
      [
        [
          { k: 'conversation.create', c: 1, channel: 'chat', team: null },
          { k: 'customer.merge', s: 3, t: 0 },
          { k: 'customer.merge', s: 0, t: 0 },
        ],
        [],
        [],
      ],
    ]);
  });

  it('a merge made offline moves a conversation the relay sends back, started elsewhere for its customer', async () => {
    // A counterexample fast-check found (shrunk): A starts a conversation for a customer while B
    // merges that customer away; taking A's conversation from the relay must replay B's merge,
    // which moves it, as the relay's merge (after A's create) did.
    await runProgram([
      [
        [],
        [
          { k: 'customer.create', name: 0, phones: [], emails: [] },
          { k: 'customer.create', name: 0, phones: [], emails: [] },
        ],
        [],
      ],
      [
        [{ k: 'conversation.create', c: 0, channel: 'chat', team: null }],
        [
          { k: 'customer.merge', s: 0, t: 3 },
          { k: 'label', v: 0, add: false, label: 0 },
          { k: 'conversation.setStatus', v: 0, status: 'snoozed', wake: false },
        ],
        [],
      ],
    ]);
  });

  it('a customer writes, then both agents act on the chat at one clock: the reply meets the first response, and the tie is kept alike', async () => {
    // The random property below checks that its runs met equal clocks and a met first response;
    // which of them a run meets depends on the ids it draws (random, so ordered differently from
    // run to run), so this program makes sure both are met whatever the draw.
    const before = { ties, met };
    await runProgram([
      [
        [
          { k: 'customer.create', name: 0, phones: [], emails: [0] },
          { k: 'conversation.create', c: 0, channel: 'chat', team: 0 },
        ],
        [],
        [],
      ],
      [
        [{ k: 'label', v: 0, add: true, label: 0 }],
        [
          { k: 'label', v: 0, add: true, label: 1 },
          { k: 'message.send', v: 0, body: 0 },
        ],
        [0],
      ],
    ]);
    expect(ties).toBeGreaterThan(before.ties);
    expect(met).toBeGreaterThan(before.met);
  });

  it('random mutation sequences through the optimistic and the authoritative path give byte-identical records, equal clocks included', async () => {
    // CORE_SEED=<n> replays a run: the seed is printed first, so a failure in CI can be replayed.
    const seed = process.env['CORE_SEED']
      ? Number(process.env['CORE_SEED'])
      : Date.now() ^ (Math.random() * 2 ** 31);
    console.info(`coreEquivalence: CORE_SEED=${seed}`);
    await fc.assert(fc.asyncProperty(program, runProgram), { numRuns: 25, seed });
    // The runs met equal clocks on the same records from both sides (not only distinct clocks).
    expect(ties).toBeGreaterThan(0);
    expect(met).toBeGreaterThan(0);
    // Bounded by count (25 programs of at most 4 rounds); the time allowed is for a loaded machine.
  }, 300_000);
});
