import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import type { AuditEntryView } from '../../../src/shared/adminApi';
import type { Change } from '../../../src/shared/sync/entities';
import type { ServerFrame } from '../../../src/shared/sync/protocol';
import { ADMIN, drain, hello, http, login, mutation, startTestRelay, type Client } from '../relay/helpers';
import { session, visit, type Visitor } from '../webchat/visitorClient';

// A supervisor's whisper through a real relay: a note stored in the conversation whose audience
// is the assigned agent and the overseers. An agent who is offline when it is written reads it
// on reconnect; the team's other agents never get it (live, catch-up, snapshot, or the thread
// sent when a conversation comes to them); the web chat visitor never gets it.

let relay: Relay & { dataDir: string };
let adminToken: string;
let teamId: string;
let teamB: string;
let inboxId: string;
const people: Record<string, { id: string; token: string }> = {};

async function mkPerson(key: string, role: string, team = teamId) {
  const email = `${key}-${Date.now()}@relay.test`;
  const r = await http<{ id: string }>(
    relay,
    'POST',
    '/v1/admin/agents',
    { email, password: 'password-123', name: `Person ${key}`, role, teamIds: [team] },
    adminToken,
  );
  if (r.status !== 200) throw new Error(JSON.stringify(r.body));
  people[key] = { id: r.body.id, token: (await login(relay, email, 'password-123')).accessToken };
}

const act = (who: string, path: string, body: unknown) =>
  http<{ noteId?: string; error?: { code: string } }>(
    relay,
    'POST',
    `/v1/supervisor${path}`,
    body,
    people[who]!.token,
  );

const changesOf = (c: Client): Change[] =>
  c.frames.flatMap((f: ServerFrame) => (f.t === 'changes' || f.t === 'snapshot' ? f.changes : []));
const whispers = (changes: Change[]) =>
  changes.filter((x) => x.entity === 'note' && (x.data as { whisperTo?: string } | null)?.whisperTo);

/** Connects as `who` and waits until caught up; away, so routing offers them nothing. */
async function online(who: string, cursor = 0): Promise<Client & { cursor: number }> {
  const c = await hello(relay, people[who]!.token, cursor);
  c.send({ t: 'presence', state: 'away' });
  const { cursor: at } = await drain(c);
  return Object.assign(c, { cursor: at });
}

/** Once `c` sees its own marker push, every fan-out committed before it has reached `c` too. */
async function settle(c: Client, customerId: string) {
  c.send({
    t: 'push',
    batch: 1,
    mutations: [mutation('customer.update', { id: customerId, fields: { company: `m${Date.now()}` } })],
  });
  await c.next('pushResult');
}

async function auditLines(action: string): Promise<AuditEntryView[]> {
  const r = await http<{ entries: AuditEntryView[] }>(
    relay,
    'GET',
    `/v1/admin/audit?action=${encodeURIComponent(action)}`,
    undefined,
    adminToken,
  );
  return r.body.entries;
}

beforeAll(async () => {
  relay = await startTestRelay();
  adminToken = (await login(relay, ADMIN.email, ADMIN.password)).accessToken;
  teamId = (await http<{ id: string }>(relay, 'POST', '/v1/admin/teams', { name: 'Care' }, adminToken)).body
    .id;
  inboxId = (
    await http<{ id: string }>(
      relay,
      'POST',
      '/v1/admin/inboxes',
      { name: 'Web chat', channel: 'chat', teamId },
      adminToken,
    )
  ).body.id;
  await mkPerson('a1', 'agent');
  await mkPerson('a2', 'agent');
  await mkPerson('sup', 'supervisor');
  teamB = (await http<{ id: string }>(relay, 'POST', '/v1/admin/teams', { name: 'Sales' }, adminToken)).body
    .id;
  await http(
    relay,
    'POST',
    '/v1/admin/inboxes',
    { name: 'Sales chat', channel: 'chat', teamId: teamB },
    adminToken,
  );
  await mkPerson('b1', 'agent', teamB);
  await mkPerson('b2', 'agent', teamB);
});

afterAll(async () => {
  await relay.close();
});

describe('relay/supervisor whisper', () => {
  let visitor: Visitor;
  let convId: string;
  let customerId: string;
  let sentId: string;

  it('keeps a whisper to an offline agent, who reads it on reconnect; nobody else of the team gets it', async () => {
    // The visitor starts a chat; the supervisor gives it to a1.
    const token = await session(relay, { inboxId, name: 'Mei' });
    visitor = await visit(relay, token);
    visitor.send({ t: 'message', text: 'My parcel is late', clientId: 'c1' });
    const sent = (await visitor.next('message', (f) => f['clientId'] === 'c1'))['message'] as { id: string };
    const row = relay.db
      .prepare<[string], { conv_id: string; data: string }>(
        "SELECT conv_id, data FROM records WHERE entity = 'message' AND id = ?",
      )
      .get(sent.id)!;
    convId = row.conv_id;
    sentId = sent.id;
    customerId = (JSON.parse(row.data) as { customerId: string }).customerId;
    expect(
      (await act('sup', `/conversations/${convId}/assign`, { toAgentId: people['a1']!.id, reason: 'Yours' }))
        .status,
    ).toBe(200);

    // a1 was here, caught up, then went offline.
    const before = await online('a1');
    before.ws.close();
    await before.closed;
    const a2 = await online('a2');
    const sup = await online('sup');

    const r = await act('sup', `/conversations/${convId}/whisper`, { body: 'Offer free shipping' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const noteId = r.body.noteId!;

    // The supervisor's own app keeps it; a teammate who sees the conversation does not.
    await settle(sup, customerId);
    await settle(a2, customerId);
    expect(whispers(changesOf(sup)).map((x) => x.id)).toEqual([noteId]);
    expect(whispers(changesOf(a2))).toEqual([]);
    expect(JSON.stringify(a2.frames)).not.toContain('Offer free shipping');

    // Back online from where it left off: the whisper comes with the catch-up, for a1.
    const back = await online('a1', before.cursor);
    const got = whispers(changesOf(back));
    expect(got.map((x) => x.data)).toEqual([
      expect.objectContaining({
        conversationId: convId,
        authorId: people['sup']!.id,
        body: 'Offer free shipping',
        whisperTo: people['a1']!.id,
      }),
    ]);
    // A fresh start (snapshot) has it too; a teammate's fresh start does not.
    const fresh = await online('a1');
    expect(whispers(changesOf(fresh)).map((x) => x.id)).toEqual([noteId]);
    const a2Fresh = await online('a2');
    expect(whispers(changesOf(a2Fresh))).toEqual([]);
    for (const c of [fresh, a2Fresh, a2, sup]) c.ws.close();

    // The visitor never: not live, not in the backlog of a new socket.
    const again = await visit(relay, token);
    await again.next('message', (f) => (f['message'] as { id?: string } | undefined)?.id === sent.id);
    for (const v of [visitor, again]) expect(JSON.stringify(v.frames)).not.toContain('Offer free shipping');
    again.ws.close();

    // The audit line says who whispered to whom, not the words.
    const line = (await auditLines('supervisor.whispered')).find((l) => l.target === convId);
    expect(line).toMatchObject({ actorId: people['sup']!.id });
    expect(line!.detail).toMatchObject({ agentId: people['a1']!.id, noteId });
    expect(JSON.stringify(line)).not.toContain('shipping');
    back.ws.close();
  });

  it('tells a connected agent at once, and leaves a whisper out of the thread another team is handed', async () => {
    const a1 = await online('a1');
    const a2 = await online('a2');
    const live = a1.next('changes', (f) => whispers(f.changes).length > 0);
    const told = a1.next('supervisorNotice', (f) => f.notice.kind === 'whisper');
    const second = await act('sup', `/conversations/${convId}/whisper`, { body: 'Second hint' });
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(whispers((await live).changes).map((x) => (x.data as { body: string }).body)).toEqual([
      'Second hint',
    ]);
    expect((await told).notice).toMatchObject({ kind: 'whisper', body: 'Second hint' });
    await settle(a2, customerId);
    expect(whispers(changesOf(a2))).toEqual([]);
    expect(a2.frames.some((f) => f.t === 'supervisorNotice')).toBe(false);

    // a1 hands the chat to team B: b1 (live) gets its thread in fan-out, b2 (away) on catch-up;
    // neither gets what was whispered to a1.
    const b1 = await online('b1');
    const b2 = await online('b2');
    b2.ws.close();
    await b2.closed;
    const thread = b1.next('changes', (f) => f.changes.some((x) => x.id === sentId));
    a1.send({
      t: 'push',
      batch: 1,
      mutations: [mutation('conversation.transfer', { id: convId, toTeamId: teamB })],
    });
    expect((await a1.next('pushResult')).results.map((x) => x.status)).toEqual(['applied']);
    const handed = (await thread).changes;
    expect(handed.some((x) => x.entity === 'message')).toBe(true);
    expect(whispers(handed)).toEqual([]);
    const b2Back = await online('b2', b2.cursor);
    const caught = changesOf(b2Back);
    expect(caught.some((x) => x.id === sentId)).toBe(true);
    expect(whispers(caught)).toEqual([]);
    for (const c of [b1, b2Back]) expect(JSON.stringify(c.frames)).not.toMatch(/shipping|Second hint/);
    for (const c of [a1, a2, b1, b2Back]) c.ws.close();
    visitor.ws.close();
  });
});
