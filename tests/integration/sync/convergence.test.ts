// Two apps, two agents of one team, one relay, real sockets and real encrypted caches: A works
// offline (its network is cut at a loopback proxy) while B edits the same profile fields online.
import { afterEach, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay/index';
import type { Hlc } from '../../../src/shared/sync/hlc';
import type { Mutation } from '../../../src/shared/sync/mutations';
import { prng, startChaosProxy } from '../../support/chaosProxy';
import { relayWithTeam, settled, startApp, stopApp, type App } from '../store/relayHarness';
import { sleep, waitFor } from './waitFor';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const FIELDS = ['name', 'company', 'address', 'language'] as const;
type Field = (typeof FIELDS)[number];
type Write = { customerId: string; field: Field; value: string; clock: Hlc; by: 'A' | 'B' };

const head = (relay: Relay) =>
  (relay.db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'log'").pluck().get() as number) ?? 0;
const caughtUp = (relay: Relay, apps: App[]) =>
  apps.every((x) => settled(x) && x.store.cursor() === head(relay));

describe('integration/sync/convergence', () => {
  it('500 offline changes and concurrent edits of the same fields: nothing lost or duplicated, both apps converge, losers kept in history', async () => {
    const r = await relayWithTeam();
    cleanups.push(() => r.relay.close());
    await r.agent('a@example.com', 'Agent A');
    await r.agent('b@example.com', 'Agent B');
    // A reaches the relay through a proxy that can cut its network; it injects nothing else.
    const net = await startChaosProxy({ targetPort: r.relay.port, seed: 1 });
    cleanups.push(() => net.close());
    const a = await startApp({ ...r.relay, url: `http://127.0.0.1:${net.port}` }, 'a@example.com');
    const b = await startApp(r.relay, 'b@example.com');
    cleanups.push(
      () => stopApp(a),
      () => stopApp(b),
    );
    await waitFor(
      () => settled(a) && settled(b),
      () => 'both apps online',
    );

    // Shared work: three customers with a conversation each, made by A and synced to B.
    const customers: string[] = [];
    const conversations: string[] = [];
    const messages = new Map<string, string>(); // id -> body
    const notes = new Map<string, string>();
    const mutationIds = new Set<string>();
    const track = (m: Mutation) => {
      expect(mutationIds.has(m.id)).toBe(false);
      mutationIds.add(m.id);
      return m;
    };
    for (let i = 0; i < 3; i++) {
      const customerId = a.store.newId();
      const conversationId = a.store.newId();
      track(
        a.store.mutate('customer.create', {
          id: customerId,
          fields: { name: `Customer ${i}`, company: `Co ${i}`, address: `${i} Quay St`, language: 'en' },
        }),
      );
      track(
        a.store.mutate('conversation.create', {
          id: conversationId,
          customerId,
          channel: 'chat',
          subject: `Order ${i}`,
        }),
      );
      customers.push(customerId);
      conversations.push(conversationId);
    }
    await waitFor(
      () => caughtUp(r.relay, [a, b]) && conversations.every((c) => b.store.conversation(c) !== null),
      () => 'the seed data on both apps',
    );

    // A loses its network; its client keeps retrying through the outage.
    net.setDown(true);
    await waitFor(
      () => a.client.state().status === 'offline',
      () => 'A offline',
    );

    const rnd = prng(20_240_601);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const writes: Write[] = [];
    const statuses = new Map<string, { status: string; clock: Hlc }>();
    const update = (app: App, by: 'A' | 'B', customerId: string, fields: Field[], tag: string) => {
      const values = Object.fromEntries(fields.map((f) => [f, `${by}-${f}-${tag}`]));
      const m = track(app.store.mutate('customer.update', { id: customerId, fields: values }));
      for (const f of fields) writes.push({ customerId, field: f, value: values[f]!, clock: m.clock, by });
    };
    const someFields = () => FIELDS.filter(() => rnd() < 0.5).concat(pick(FIELDS));

    let aCount = 0;
    for (let i = 0; i < 500; i++) {
      const k = rnd();
      const c = Math.floor(rnd() * 3);
      const conversationId = conversations[c]!;
      // A closed chat takes no reply (shared/replyRoute): where the composer would refuse one, A
      // writes the note it offers instead.
      const closed = a.store.conversation(conversationId)?.status === 'resolved';
      if (k < 0.4 && !closed) {
        const id = a.store.newId();
        track(a.store.mutate('message.send', { id, conversationId, body: `A reply ${i}` }));
        messages.set(id, `A reply ${i}`);
      } else if (k < 0.65) {
        const id = a.store.newId();
        track(a.store.mutate('note.add', { id, conversationId, body: `A note ${i}` }));
        notes.set(id, `A note ${i}`);
      } else if (k < 0.9) {
        update(a, 'A', customers[c]!, [...new Set(someFields())], String(i));
      } else {
        const status = pick(['open', 'pending', 'resolved'] as const);
        const m = track(a.store.mutate('conversation.setStatus', { id: conversationId, status }));
        statuses.set(conversationId, { status, clock: m.clock });
      }
      aCount++;
      // Meanwhile B, online, edits the same fields of the same customers (and answers a little).
      if (i % 25 === 12) {
        await sleep(2);
        update(b, 'B', pick(customers), [...new Set(someFields())], String(i));
        const id = b.store.newId();
        track(
          b.store.mutate('message.send', { id, conversationId: pick(conversations), body: `B reply ${i}` }),
        );
        messages.set(id, `B reply ${i}`);
        await sleep(2);
      }
    }
    expect(aCount).toBe(500);
    expect(a.store.pendingCount()).toBe(500);
    await waitFor(
      () => settled(b),
      () => "B's edits acknowledged",
    );
    // Still cut off: offline, or between two of its retries ('connecting'), never through.
    expect(['offline', 'connecting']).toContain(a.client.state().status);
    expect(a.client.state()).toMatchObject({ pending: 500 });

    // A's network comes back.
    net.setDown(false);
    await waitFor(
      () => caughtUp(r.relay, [a, b]) && a.store.stateHash() === b.store.stateHash(),
      () => `convergence: A ${JSON.stringify(a.client.state())}, B ${JSON.stringify(b.client.state())}`,
      60_000,
    );

    // Same state on both apps.
    expect(a.store.stateHash()).toBe(b.store.stateHash());
    expect(a.store.rejected()).toEqual([]);
    expect(b.store.rejected()).toEqual([]);

    // The relay applied every mutation exactly once, and only those.
    const applied = r.relay.db.prepare('SELECT id FROM applied_mutations').pluck().all() as string[];
    expect(applied.length).toBe(new Set(applied).size);
    expect(new Set(applied)).toEqual(mutationIds);
    // Each reply and note was written to the log by exactly one mutation, once.
    const writers = r.relay.db
      .prepare(
        "SELECT record_id, count(*) AS n FROM log WHERE entity IN ('message', 'note') GROUP BY record_id HAVING n > 1",
      )
      .all();
    expect(writers).toEqual([]);

    // Every reply and note exactly once: on the relay and on both apps, none missing, none extra.
    const relayRows = (entity: string) =>
      (
        r.relay.db.prepare('SELECT id, data FROM records WHERE entity = ?').all(entity) as {
          id: string;
          data: string;
        }[]
      ).map((x) => [x.id, (JSON.parse(x.data) as { body: string }).body] as const);
    expect(new Map(relayRows('message'))).toEqual(messages);
    expect(new Map(relayRows('note'))).toEqual(notes);
    for (const app of [a, b]) {
      const got = conversations.flatMap((c) => app.store.messages(c).map((m) => [m.id, m.body] as const));
      expect(got.length).toBe(messages.size);
      expect(new Map(got)).toEqual(messages);
      const gotNotes = conversations.flatMap((c) => app.store.notes(c).map((n) => [n.id, n.body] as const));
      expect(gotNotes.length).toBe(notes.size);
      expect(new Map(gotNotes)).toEqual(notes);
    }

    // Profile fields: the latest clock wins on both apps; every value written, winner or loser, is
    // in the field's history once, on both apps.
    const lost = writes.filter((w) =>
      writes.some((o) => o.customerId === w.customerId && o.field === w.field && o.clock > w.clock),
    );
    expect(lost.some((w) => w.by === 'A')).toBe(true);
    expect(lost.some((w) => w.by === 'B')).toBe(true);
    for (const customerId of customers) {
      for (const field of FIELDS) {
        const mine = writes.filter((w) => w.customerId === customerId && w.field === field);
        if (mine.length === 0) continue;
        const winner = mine.reduce((x, y) => (y.clock > x.clock ? y : x));
        for (const app of [a, b]) {
          expect(app.store.customer(customerId)?.[field], `${customerId}.${field}`).toBe(winner.value);
          const history = app.store.fieldHistory('customer', customerId, field).map((h) => h.value);
          for (const w of mine)
            expect(
              history.filter((v) => v === w.value),
              w.value,
            ).toHaveLength(1);
        }
      }
    }
    // The losing values are marked as such in history (the UI offers them for restore).
    const lostHistory = b.store
      .fieldHistory('customer', customers[0]!)
      .concat(
        b.store.fieldHistory('customer', customers[1]!),
        b.store.fieldHistory('customer', customers[2]!),
      )
      .filter((h) => h.outcome === 'lost')
      .map((h) => h.value);
    expect(lostHistory.length).toBeGreaterThan(0);
    for (const v of lostHistory) expect(lost.map((w) => w.value)).toContain(v);

    // Conversation statuses: A's last choice, on both apps.
    for (const [conversationId, s] of statuses)
      for (const app of [a, b]) expect(app.store.conversation(conversationId)?.status).toBe(s.status);
  });
});
