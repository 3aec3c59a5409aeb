import { afterAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import { seedDemoData } from '../../../src/relay/demo/seed';
import { ADMIN, http, login, startTestRelay, tempDir } from '../relay/helpers';
import { session, until, visit, type Visitor } from './visitorClient';

// Channel truth for web chat across relay restarts (#13): when a chat's visitor was last seen is
// kept on the relay (webchat_presence), so a visitor who never comes back after a restart is still
// marked as left once their grace is over, whether their socket closed before the restart or was
// still open when the relay closed. Chats no socket ever opened (the seeded demo data) stay as
// they are. Real relays, one after another on the same data directory; the grace is an option,
// long on the first two (nothing may be marked there) and short on the last.

type TestRelay = Relay & { dataDir: string };
const dataDir = tempDir();
const started: TestRelay[] = [];
const LONG = 600_000;

const start = async (visitorGoneMs: number) => {
  const r = await startTestRelay({ dataDir, webchat: { visitorGoneMs } });
  started.push(r);
  return r;
};
const leftAt = (relay: TestRelay, id: string) =>
  relay.db
    .prepare(
      `SELECT json_extract(data, '$.visitorLeftAt') FROM records WHERE entity = 'conversation' AND id = ?`,
    )
    .pluck()
    .get(id) as string | null;
const seenIds = (relay: TestRelay) =>
  relay.db.prepare('SELECT conversation_id FROM webchat_presence').pluck().all() as string[];
/** A visitor's first message opens their chat; its id is the chat the relay starts seeing. */
async function chat(relay: TestRelay, token: string, text: string): Promise<{ v: Visitor; convId: string }> {
  const before = new Set(seenIds(relay));
  const v = await visit(relay, token);
  v.send({ t: 'message', text, clientId: text });
  await v.next('message');
  const convId = await until(() => seenIds(relay).find((id) => !before.has(id)), `${text}: seen`);
  return { v, convId };
}

afterAll(async () => {
  for (const r of started) await r.close().catch(() => undefined);
});

describe('relay/channels/webchat visitor left across restarts', () => {
  it('marks the visitors who never came back as left after a restart, and leaves seeded chats alone', async () => {
    await seedDemoData({ dataDir, customers: 6, conversations: 12, seed: 7, now: Date.now() });
    const first = await start(LONG);
    const openSeeded = first.db
      .prepare(
        `SELECT id FROM records WHERE entity = 'conversation' AND deleted = 0
           AND json_extract(data, '$.channel') = 'chat' AND json_extract(data, '$.status') != 'resolved'`,
      )
      .pluck()
      .all() as string[];
    expect(openSeeded.length).toBeGreaterThan(0);

    const admin = (await login(first, ADMIN.email, ADMIN.password)).accessToken;
    const team = (await http<{ id: string }>(first, 'POST', '/v1/admin/teams', { name: 'Chat' }, admin)).body
      .id;
    const inboxId = (
      await http<{ id: string }>(
        first,
        'POST',
        '/v1/admin/inboxes',
        { name: 'Web chat', channel: 'chat', teamId: team },
        admin,
      )
    ).body.id;
    const gone = await session(first, { inboxId, name: 'Closed the page before the restart' });
    const stayed = await session(first, { inboxId, name: 'Page open through the restarts' });

    // One visitor closes the page; the other still has it open when the relay closes.
    const a = await chat(first, gone, 'leaving now');
    a.v.ws.close();
    await a.v.closed;
    const b = await chat(first, stayed, 'still here');
    await first.close();
    await b.v.closed;

    // Restarted with the long grace: both are given what is left of it, nobody is marked yet.
    const second = await start(LONG);
    expect(leftAt(second, a.convId)).toBeNull();
    expect(leftAt(second, b.convId)).toBeNull();
    // The second visitor's page reconnects, and is still open when this relay closes too.
    const back = await visit(second, stayed);
    await back.next('message');
    await second.close();
    await back.closed;
    const secondClosedAt = Date.now();
    // No relay runs for a while: a short grace (300 ms) from either visitor's last sighting runs out meanwhile.
    await new Promise((r) => setTimeout(r, 1_000));

    // With the short grace, both graces are long over: both visitors left, the seeded chats did not.
    const third = await start(300);
    await until(() => leftAt(third, a.convId) && leftAt(third, b.convId), 'both visitors marked as left');
    // They left when their grace ran out after they were last seen, not when this relay noticed.
    for (const id of [a.convId, b.convId])
      expect(Date.parse(leftAt(third, id)!)).toBeLessThanOrEqual(secondClosedAt + 300);
    for (const id of openSeeded) expect(leftAt(third, id)).toBeNull();
    expect(seenIds(third)).toEqual([]);
  });

  it('keeps seeing a visitor whose page stays open, so a relay killed without closing still knows when', async () => {
    // A crash closes nothing: the time kept while the socket is open is what the next start reads.
    const relay = await startTestRelay({ webchat: { visitorGoneMs: 300 } });
    started.push(relay);
    const admin = (await login(relay, ADMIN.email, ADMIN.password)).accessToken;
    const team = (await http<{ id: string }>(relay, 'POST', '/v1/admin/teams', { name: 'Beat' }, admin)).body
      .id;
    const inboxId = (
      await http<{ id: string }>(
        relay,
        'POST',
        '/v1/admin/inboxes',
        { name: 'Web chat', channel: 'chat', teamId: team },
        admin,
      )
    ).body.id;
    const { v, convId } = await chat(relay, await session(relay, { inboxId, name: 'Reading' }), 'hello');
    const lastSeen = () =>
      relay.db
        .prepare('SELECT last_seen_at FROM webchat_presence WHERE conversation_id = ?')
        .pluck()
        .get(convId) as number;
    const first = lastSeen();
    await until(() => lastSeen() > first, 'a later last-seen time while the page is open');
    expect(leftAt(relay, convId)).toBeNull();
    v.ws.close();
  });
});
