import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import parsePhoneNumber from 'libphonenumber-js/max';
import type { Channel, ConversationStatus, Role } from '../../shared/sync/entities';
import { HlcClock } from '../../shared/sync/hlc';
import { uuidv7 } from '../../shared/sync/ids';
import { createAccounts, type Accounts } from '../identity/accounts';
import { openDatabase } from '../data/db';
import { appendRecord, writeFields } from '../data/records';
import { CANNED, LABELS, LOCALES, PHONE_PATTERNS, THREADS, type Locale } from './seedData';
import { createStore } from '../data/sqliteStore';
import type { Store } from '../data/store';
import { DEMO_FILE, type DemoInfo } from './page';
import { ensureDemoPhone } from './phone';
import { prng } from '../../shared/prng';

export type SeedOptions = {
  dataDir: string;
  /** The SQLite database file (`--store sqlite:PATH`). [default `<dataDir>/relay.db`] */
  dbFile?: string;
  customers: number;
  conversations: number;
  /** Password of newly created demo agents. Default: a random one, returned in the summary. */
  demoPassword?: string;
  /** PRNG seed, for reproducible data. Default: random. */
  seed?: number;
  /**
   * The data's "now" (ms): history is spread before it, SLAs fall due after it. Default: the wall
   * clock. Given, record ids are derived from it and the seed too, so two seeds with the same
   * options into fresh data dirs write the same data (the visual comparisons rely on it).
   */
  now?: number;
};

export type SeedSummary = {
  customers: number;
  conversations: number;
  messages: number;
  /** Demo agents; `password` is null for agents that already existed (left unchanged). */
  agents: { email: string; name: string; role: Role; password: string | null }[];
  teams: string[];
  ms: number;
};

const DEMO_TEAMS = ['Shanghai Support 上海客服', 'London Support', 'Sales'];
const DEMO_AGENTS: { email: string; name: string; role: Role; teams: number[] }[] = [
  { email: 'admin@demo.switchboard', name: 'Ada Admin', role: 'admin', teams: [] },
  { email: 'supervisor@demo.switchboard', name: 'Sam Supervisor', role: 'supervisor', teams: [0, 1] },
  { email: 'agent@demo.switchboard', name: 'Alex Agent', role: 'agent', teams: [0] },
  { email: 'agent2@demo.switchboard', name: '李娜', role: 'agent', teams: [0] },
  { email: 'agent3@demo.switchboard', name: 'Oliver Taylor', role: 'agent', teams: [1] },
  { email: 'agent4@demo.switchboard', name: 'Lucía García', role: 'agent', teams: [2] },
];

/** A valid E.164 number of `country`, checked with libphonenumber-js (full metadata). */
export function demoPhone(country: string, rand: () => number): string {
  const patterns = PHONE_PATTERNS[country];
  if (!patterns) throw new Error(`No phone pattern for ${country}.`);
  for (let i = 0; i < 50; i++) {
    const p = patterns[Math.floor(rand() * patterns.length)]!.replace(/#/g, () =>
      String(Math.floor(rand() * 10)),
    );
    const n = parsePhoneNumber(p);
    if (n?.isValid()) return n.number;
  }
  throw new Error(`Could not draw a valid ${country} phone number.`);
}

async function ensureDirectory(accounts: Accounts, password: string) {
  const existing = new Map(accounts.teams().map((t) => [t.name, t.id]));
  const teamIds = DEMO_TEAMS.map((name) => {
    const id = existing.get(name);
    if (id) return id;
    const team = accounts.createTeam(name, null);
    for (const channel of ['chat', 'email'] as const)
      accounts.createInbox({ name: `${name} ${channel}`, channel, teamId: team.id }, null);
    return team.id;
  });
  const agents: SeedSummary['agents'] = [];
  const members: string[][] = DEMO_TEAMS.map(() => []);
  for (const a of DEMO_AGENTS) {
    const teams = a.teams.map((i) => teamIds[i]!);
    let row = accounts.agentByEmail(a.email);
    if (row) agents.push({ email: a.email, name: a.name, role: a.role, password: null });
    else {
      await accounts.createAgent(
        { email: a.email, password, name: a.name, role: a.role, teamIds: teams },
        null,
      );
      row = accounts.agentByEmail(a.email)!;
      agents.push({ email: a.email, name: a.name, role: a.role, password });
    }
    for (const i of a.teams) if (a.role === 'agent') members[i]!.push(row.id);
  }
  return { teamIds, members, agents };
}

/**
 * What the demo's live state may hold: each agent a few open conversations well within capacity
 * (chats 5, emails 10 by default), a few customers waiting per team (emails, so a newcomer's chat
 * on the demo page is the first chat in its queue), and everything else resolved history.
 * [openChatsPerAgent=2] [openEmailsPerAgent=3] [waitingPerTeam=2]
 */
function createLiveState(teams: number, openChatsPerAgent = 2, openEmailsPerAgent = 3, waitingPerTeam = 2) {
  const open = new Map<string, number>();
  const waiting = Array.from({ length: teams }, () => 0);
  return {
    /** Decides a new conversation's status and assignee: open while a quota has room, else resolved. */
    place(
      team: number,
      channel: Channel,
      agentId: string | null,
    ): { status: ConversationStatus; assigneeId: string | null } {
      if (agentId) {
        const key = `${agentId}:${channel}`;
        const n = open.get(key) ?? 0;
        if (n < (channel === 'chat' ? openChatsPerAgent : openEmailsPerAgent)) {
          open.set(key, n + 1);
          return { status: channel === 'email' && n === 0 ? 'pending' : 'open', assigneeId: agentId };
        }
      }
      if (channel === 'email' && waiting[team]! < waitingPerTeam) {
        waiting[team]! += 1;
        return { status: 'open', assigneeId: null };
      }
      return { status: 'resolved', assigneeId: agentId };
    },
  };
}

/** What the seeding functions share: the store, the clock, the data's now and the random draws. */
type Seeding = {
  store: Store;
  clock: HlcClock;
  now: number;
  rand: () => number;
  pick: <T>(xs: readonly T[]) => T;
  newId: (t: number) => string;
};

const META = { mutationId: null, agentId: null };
const iso = (t: number) => new Date(t).toISOString();

/** Labels and canned replies, once (a data dir that has labels keeps its own). */
function seedCatalog(s: Seeding, hasLabels: boolean): void {
  const { store, clock, now, newId } = s;
  if (hasLabels) return;
  for (const l of LABELS)
    writeFields(
      store,
      { entity: 'label', id: newId(now), fields: l, clock: clock.now(), convId: null, at: iso(now) },
      META,
    );
  for (const c of CANNED) {
    const fields = { ...c, teamId: null };
    writeFields(
      store,
      { entity: 'cannedReply', id: newId(now), fields, clock: clock.now(), convId: null, at: iso(now) },
      META,
    );
  }
}

/** The `i`th demo customer, of a random locale, with its names, phones, address and identities. */
function seedCustomer(s: Seeding, i: number): { id: string; locale: Locale } {
  const { store, clock, now, rand, pick, newId } = s;
  const locale = pick(LOCALES);
  const given = pick(locale.given);
  const family = pick(locale.family);
  const name = locale.familyFirst ? `${family}${given}` : `${given} ${family}`;
  const ascii = (locale.familyFirst ? `user${i}` : `${given}.${family}${i}`)
    .normalize('NFD')
    .replace(/[^A-Za-z0-9.]/g, '')
    .toLowerCase();
  const tld =
    { CN: 'cn', TW: 'tw', US: 'com', GB: 'co.uk', DE: 'de', ES: 'es', FR: 'fr', JP: 'jp' }[locale.country] ??
    'com';
  const phones = [
    demoPhone(locale.country, rand),
    ...(rand() < 0.2 ? [demoPhone(pick(Object.keys(PHONE_PATTERNS)), rand)] : []),
  ];
  const house = 1 + Math.floor(rand() * 300);
  const address = locale.familyFirst
    ? `${pick(locale.cities)}${pick(locale.streets)}${house}号`
    : `${house} ${pick(locale.streets)}, ${pick(locale.cities)}`;
  const identities =
    locale.country === 'CN' && rand() < 0.6
      ? [{ kind: 'wechat', value: `wxid_${Math.floor(rand() * 1e10).toString(36)}` }]
      : [];
  const id = newId(now);
  const createdAt = iso(now - Math.floor(rand() * 365 * 86_400_000));
  const fields = {
    name,
    phones,
    emails: [`${ascii}@example.${tld}`],
    company: pick(locale.companies),
    address,
    language: locale.language,
    identities,
    customFields: {},
    createdAt,
  };
  writeFields(
    store,
    { entity: 'customer', id, fields, clock: clock.now(), convId: null, at: iso(now) },
    META,
  );
  return { id, locale };
}

type Directory = Awaited<ReturnType<typeof ensureDirectory>>;

/** One conversation of a random customer, with its thread of messages; how many messages it has. */
function seedConversation(
  s: Seeding,
  w: {
    accounts: Accounts;
    dir: Directory;
    live: ReturnType<typeof createLiveState>;
    customers: { id: string; locale: Locale }[];
  },
): number {
  const { store, clock, now, rand, pick, newId } = s;
  const customer = pick(w.customers);
  const zh = customer.locale.language.startsWith('zh');
  const team = zh ? 0 : Math.floor(rand() * DEMO_TEAMS.length);
  const teamId = w.dir.teamIds[team]!;
  const channel: Channel = rand() < 0.55 ? 'chat' : 'email';
  const members = w.dir.members[team]!;
  const { status, assigneeId } = w.live.place(team, channel, members.length ? pick(members) : null);
  const thread = pick(THREADS[zh ? 'zh' : 'en']);
  const orderNo = String(100000 + Math.floor(rand() * 900000));
  const id = newId(now);
  // History is spread over 30 days; what is still open happened in the last few hours.
  let t = now - Math.floor(rand() * (status === 'resolved' ? 30 * 86_400_000 : 6 * 3_600_000));
  const lines = thread.lines.slice(0, 2 + Math.floor(rand() * (thread.lines.length - 1)));
  const createdAt = iso(Math.min(t, now - lines.length * 1000));
  let last = t;
  for (const [k, line] of lines.entries()) {
    // Every message is before "now", a second apart at the latest, and in order.
    last = Math.min(t, now - (lines.length - k) * 1000);
    const out = k % 2 === 1;
    const data = {
      conversationId: id,
      customerId: customer.id,
      direction: out ? 'out' : 'in',
      authorId: out ? assigneeId : null,
      body: line.replace('{n}', orderNo),
      createdAt: iso(last),
    };
    appendRecord(store, 'message', newId(last), data, id, META);
    t += 60_000 + Math.floor(rand() * 3_600_000);
  }
  const fields = {
    customerId: customer.id,
    channel,
    subject: channel === 'email' ? thread.subject : '',
    status,
    snoozedUntil: null,
    assigneeId,
    teamId,
    inboxId: w.accounts.inboxFor(teamId, channel),
    labels: rand() < 0.3 ? [pick(LABELS).name] : [],
    slaDueAt: status === 'resolved' ? null : iso(now + Math.floor(rand() * 8 * 3_600_000)),
    lastMessageAt: iso(last),
    createdAt,
  };
  writeFields(
    store,
    { entity: 'conversation', id, fields, clock: clock.now(), convId: id, at: iso(now) },
    META,
  );
  return lines.length;
}

/** The demo page's facts (`<dataDir>/demo.json`): the chat inbox and the demo phone. */
function writeDemoInfo(
  dataDir: string,
  chatInboxId: string | null,
  phone: ReturnType<typeof ensureDemoPhone>,
) {
  if (!chatInboxId) return;
  const info: DemoInfo = {
    chatInboxId,
    phone: { voiceInboxId: phone.voiceInboxId, queue: phone.queue, sipUsers: phone.sipUsers },
  };
  writeFileSync(join(dataDir, DEMO_FILE), JSON.stringify(info) + '\n', { mode: 0o600 });
}

/** Writes realistic demo data into `<dataDir>` in one transaction; see SeedOptions for defaults. */
export async function seedDemoData(o: SeedOptions): Promise<SeedSummary> {
  const started = Date.now();
  const rand = prng(o.seed ?? randomBytes(4).readUInt32LE());
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  // A second PRNG for ids, so fixing the clock leaves the data itself as --seed alone makes it.
  const idsFrom = (r: (() => number) | null) => (t: number) =>
    r ? uuidv7(t, (b) => b.map(() => Math.floor(r() * 256))) : uuidv7(t);
  const fixed = o.now !== undefined;
  const newId = idsFrom(fixed ? prng((o.seed ?? 0) ^ 0x5eed) : null);
  // The demo caller's id has a stream of its own, so it leaves every other record's id as it was.
  const callerId = idsFrom(fixed ? prng((o.seed ?? 0) ^ 0xca11) : null);
  const db = openDatabase(o.dataDir, o.dbFile);
  try {
    const clock = new HlcClock('relay-seed');
    const store = createStore(db, Date.now);
    const accounts = createAccounts(db, store, clock, Date.now);
    const password = o.demoPassword ?? randomBytes(9).toString('base64url');
    const dir = await ensureDirectory(accounts, password);
    const phone = ensureDemoPhone(
      { db, store, accounts, clock },
      dir.teamIds[0]!,
      DEMO_TEAMS[0]!,
      DEMO_AGENTS.map((a) => a.email),
      o.now === undefined ? {} : { now: o.now, newId: callerId },
    );
    writeDemoInfo(o.dataDir, accounts.inboxFor(dir.teamIds[0]!, 'chat'), phone);
    let messages = 0;
    store.transaction(() => {
      const s: Seeding = { store, clock, now: o.now ?? Date.now(), rand, pick, newId };
      seedCatalog(s, !!db.prepare("SELECT 1 FROM records WHERE entity = 'label' LIMIT 1").get());
      // The demo caller has a history too, so the screen-pop of `npm run demo:call` shows some.
      const customers: { id: string; locale: Locale }[] = [{ id: phone.callerId, locale: LOCALES[0]! }];
      for (let i = 0; i < o.customers; i++) customers.push(seedCustomer(s, i));
      const live = createLiveState(dir.teamIds.length);
      for (let i = 0; i < o.conversations && customers.length > 0; i++)
        messages += seedConversation(s, { accounts, dir, live, customers });
    });
    return {
      customers: o.customers,
      conversations: o.conversations,
      messages,
      agents: dir.agents,
      teams: DEMO_TEAMS,
      ms: Date.now() - started,
    };
  } finally {
    db.close();
  }
}
