import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Channel } from '../../shared/sync/entities';
import { HlcClock } from '../../shared/sync/hlc';
import { uuidv7 } from '../../shared/sync/ids';
import type { ServerFrame } from '../../shared/sync/protocol';
import { createAccounts } from '../identity/accounts';
import { openMemoryDatabase } from '../data/db';
import { soleOwnerLeases } from '../data/leases';
import { createSqliteRoutingData } from '../data/routingData';
import { asyncSqliteStore } from '../data/sqliteAsync';
import { createSqliteIdentity } from '../data/sqliteIdentity';
import { appendRecord, writeFields } from '../data/records';
import { createStore } from '../data/sqliteStore';
import type { LeaseKeeper } from './lease';
import { createRoutingLeases } from './routingLeases';
import { createRoutingService, type RoutingService } from './service';

// The routing service over a real (in-memory) relay database: what "the customer is still
// waiting" means per channel, the team's grace from the team record, and the notice an agent
// hears when they connect again. Starts as after a relay restart: the work is already assigned.

const GRACE = 120_000;
let service: RoutingService | null = null;
let leases: LeaseKeeper | null = null;
afterEach(async () => {
  service?.close();
  await leases?.stop();
});

async function world() {
  let t = Date.parse('2026-12-02T09:00:00Z');
  const now = () => t;
  const db = openMemoryDatabase();
  const store = createStore(db, now);
  const clock = new HlcClock('relay', now);
  const accounts = createAccounts(db, store, clock, now);
  const team = accounts.createTeam('Support', null);
  const write = (entity: 'team' | 'conversation', id: string, fields: Record<string, unknown>) =>
    store.transaction(() =>
      writeFields(
        store,
        {
          entity,
          id,
          fields,
          clock: clock.now(),
          convId: entity === 'conversation' ? id : null,
          at: new Date(t).toISOString(),
        },
        { mutationId: null, agentId: null },
      ),
    );
  write('team', team.id, { routing: { awayGraceMs: GRACE } });
  const home = await accounts.createAgent(
    { email: 'hana@example.com', password: 'password-1', name: 'Hana', role: 'agent', teamIds: [team.id] },
    null,
  );
  const office = await accounts.createAgent(
    { email: 'omar@example.com', password: 'password-1', name: 'Omar', role: 'agent', teamIds: [team.id] },
    null,
  );
  const inbox = (channel: Channel) =>
    accounts.createInbox({ name: channel, channel, teamId: team.id }, null).id;
  const inboxes = { voice: inbox('voice'), sms: inbox('sms'), chat: inbox('chat') };
  const conversation = (channel: keyof typeof inboxes, subject: string) => {
    const id = uuidv7(t);
    write('conversation', id, {
      customerId: null,
      channel,
      subject,
      status: 'open',
      assigneeId: home.id,
      teamId: team.id,
      inboxId: inboxes[channel],
      createdAt: new Date(t).toISOString(),
    });
    return id;
  };
  const call = (conversationId: string, answered: boolean) =>
    store.transaction(() =>
      appendRecord(
        store,
        'call',
        uuidv7(t),
        {
          conversationId,
          direction: 'in',
          answeredAt: answered ? new Date(t).toISOString() : null,
          endedAt: null,
        },
        conversationId,
        { mutationId: null, agentId: null },
      ),
    );
  const frames: { agentId: string; frame: ServerFrame }[] = [];
  const asyncStore = asyncSqliteStore(store);
  const start = (visitorConnected: (conversationId: string) => boolean = () => false) => {
    const l = createRoutingLeases({ table: soleOwnerLeases(), owner: 'relay' });
    leases = l.keeper;
    service = createRoutingService({
      store: asyncStore,
      identity: createSqliteIdentity(db, asyncStore),
      data: createSqliteRoutingData(db, asyncStore),
      leases: l.keeper,
      relayClock: clock,
      log: pino({ level: 'silent' }),
      now,
      sendToAgent: (agentId, frame) => frames.push({ agentId, frame }),
      visitorConnected,
    });
    l.serve(service);
    return service;
  };
  const assignee = (id: string) => store.get('conversation', id)?.data['assigneeId'];
  return { home, office, conversation, call, frames, start, assignee, advance: (ms: number) => (t += ms) };
}

describe('relay/routing/service', () => {
  it("moves only live work whose customer still waits, after the team's grace counted from the start", async () => {
    const w = await world();
    const ringing = w.conversation('voice', 'Ringing call');
    w.call(ringing, false);
    const talking = w.conversation('voice', 'Call in progress');
    w.call(talking, true);
    const sms = w.conversation('sms', 'Text message');
    const chatHere = w.conversation('chat', 'Visitor here');
    const chatGone = w.conversation('chat', 'Visitor gone');
    const s = w.start((id) => id === chatHere);
    await s.settled();
    s.agentConnected(w.office.id);
    s.setPresence(w.office.id, 'available');
    await s.settled();
    w.advance(GRACE - 1_000);
    s.setPresence(w.office.id, 'available');
    await s.settled();
    expect(w.frames.filter((f) => f.frame.t === 'offer')).toEqual([]);

    w.advance(1_000);
    s.setPresence(w.office.id, 'available');
    await s.settled();
    const offered = w.frames.flatMap((f) =>
      f.frame.t === 'offer' ? [[f.agentId, f.frame.offer.conversationId]] : [],
    );
    expect(offered.sort()).toEqual(
      [
        [w.office.id, chatHere],
        [w.office.id, ringing],
      ].sort(),
    );
    expect([ringing, chatHere].map(w.assignee)).toEqual([null, null]);
    expect([talking, sms, chatGone].map(w.assignee)).toEqual([w.home.id, w.home.id, w.home.id]);

    // Hana connects: told what moved (and told again next time, until her app says it was seen).
    s.agentConnected(w.home.id);
    await s.settled();
    const told = w.frames.filter((f) => f.agentId === w.home.id && f.frame.t === 'movedWhileAway');
    expect(told).toHaveLength(1);
    const moved = told[0]!.frame.t === 'movedWhileAway' ? told[0]!.frame.moved : [];
    expect(moved.map((m) => [m.conversationId, m.channel, m.subject, m.reason]).sort()).toEqual(
      [
        [ringing, 'voice', 'Ringing call', 'customer-waiting'],
        [chatHere, 'chat', 'Visitor here', 'customer-waiting'],
      ].sort(),
    );
    s.movedSeen(w.home.id, moved.at(-1)!.movedAt);
    s.agentDisconnected(w.home.id);
    s.agentConnected(w.home.id);
    await s.settled();
    expect(w.frames.filter((f) => f.agentId === w.home.id && f.frame.t === 'movedWhileAway')).toHaveLength(1);
  });
});
