import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import type { AuditEntryView } from '../../../src/shared/adminApi';
import type { SupervisorNotice } from '../../../src/shared/supervisor';
import { ADMIN, hello, http, login, startTestRelay, type Client } from '../relay/helpers';

// The supervisor's actions through a real relay: each is allowed to the supervisors of the agent's
// (or conversation's) team and to admins only, refused to everyone else, told to the agent with
// its reason at once, and written to the audit log (refusals too).

let relay: Relay & { dataDir: string };
let adminToken: string;
const team: Record<'A' | 'B', { id: string; inbox: string }> = {} as never;
const people: Record<string, { id: string; token: string; name: string }> = {};
const sockets: Record<string, Client> = {};

async function mkPerson(key: string, role: string, teamId: string) {
  const email = `${key}-${Date.now()}@relay.test`;
  const name = `Person ${key}`;
  const r = await http<{ id: string }>(
    relay,
    'POST',
    '/v1/admin/agents',
    { email, password: 'password-123', name, role, teamIds: [teamId] },
    adminToken,
  );
  if (r.status !== 200) throw new Error(JSON.stringify(r.body));
  people[key] = { id: r.body.id, token: (await login(relay, email, 'password-123')).accessToken, name };
}

const as = (key: string) => (key === 'admin' ? adminToken : people[key]!.token);
const act = (who: string, path: string, body: unknown) =>
  http<{ error?: { code: string; message: string } } & Record<string, unknown>>(
    relay,
    'POST',
    `/v1/supervisor${path}`,
    body,
    as(who),
  );
const notice = (key: string, pred: (n: SupervisorNotice) => boolean) =>
  sockets[key]!.next('supervisorNotice', (f) => pred(f.notice)).then((f) => f.notice);

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

async function conversationIn(k: 'A' | 'B'): Promise<string> {
  const r = await http<{ conversationId: string }>(
    relay,
    'POST',
    '/v1/channels/api/messages',
    {
      inboxId: team[k].inbox,
      from: { name: `Customer ${k}`, email: `c-${Date.now()}@example.cn` },
      text: '你好',
    },
    adminToken,
  );
  return r.body.conversationId;
}

beforeAll(async () => {
  relay = await startTestRelay();
  adminToken = (await login(relay, ADMIN.email, ADMIN.password)).accessToken;
  for (const k of ['A', 'B'] as const) {
    const id = (
      await http<{ id: string }>(relay, 'POST', '/v1/admin/teams', { name: `Team ${k}` }, adminToken)
    ).body.id;
    const inbox = (
      await http<{ id: string }>(
        relay,
        'POST',
        '/v1/admin/inboxes',
        { name: `Chat ${k}`, channel: 'chat', teamId: id },
        adminToken,
      )
    ).body.id;
    team[k] = { id, inbox };
  }
  await mkPerson('a1', 'agent', team.A.id);
  await mkPerson('a2', 'agent', team.A.id);
  await mkPerson('b1', 'agent', team.B.id);
  await mkPerson('supA', 'supervisor', team.A.id);
  for (const k of ['a1', 'a2', 'b1']) {
    sockets[k] = await hello(relay, people[k]!.token);
    // Away: nobody is offered the test's conversations, so the actions decide who has them.
    sockets[k].send({ t: 'presence', state: 'away' });
  }
});

afterAll(async () => {
  for (const c of Object.values(sockets)) c.ws.close();
  await relay.close();
});

describe('supervisor actions', () => {
  it('sets a status: its supervisor and admins may, the agent is told why, and each attempt is audited', async () => {
    const told = notice('a1', (n) => n.kind === 'status');
    const ok = await act('supA', `/agents/${people['a1']!.id}/status`, {
      state: 'offline',
      reason: 'Team meeting',
    });
    expect(ok.status).toBe(200);
    expect(await told).toMatchObject({
      kind: 'status',
      state: 'offline',
      reason: 'Team meeting',
      by: { id: people['supA']!.id, name: 'Person supA' },
    });
    const [line] = await auditLines('supervisor.statusSet');
    expect(line).toMatchObject({ actorId: people['supA']!.id, target: people['a1']!.id });
    expect(line!.detail).toMatchObject({ state: 'offline', reason: 'Team meeting' });

    // Another team's agent, a fellow agent, and a supervisor acting on themselves are refused.
    const other = await act('supA', `/agents/${people['b1']!.id}/status`, { state: 'away', reason: 'x' });
    expect([other.status, other.body.error?.code]).toEqual([403, 'RELAY_ERR_FORBIDDEN']);
    const peer = await act('a2', `/agents/${people['a1']!.id}/status`, { state: 'away', reason: 'x' });
    expect(peer.status).toBe(403);
    const self = await act('supA', `/agents/${people['supA']!.id}/status`, { state: 'away', reason: 'x' });
    expect(self.status).toBe(403);
    const refused = await auditLines('supervisor.refused');
    expect(refused.map((l) => l.actorId)).toEqual(
      expect.arrayContaining([people['supA']!.id, people['a2']!.id]),
    );
    expect(refused.some((l) => l.target === `agents/${people['b1']!.id}/status`)).toBe(true);

    // Admins act on any team's agents.
    const toldB = notice('b1', (n) => n.kind === 'status');
    expect(
      (await act('admin', `/agents/${people['b1']!.id}/status`, { state: 'away', reason: 'Lunch' })).status,
    ).toBe(200);
    expect(await toldB).toMatchObject({ reason: 'Lunch' });
    // A reason is required.
    expect((await act('supA', `/agents/${people['a1']!.id}/status`, { state: 'away' })).status).toBe(422);
  });

  it('logs an agent out of routing, only within scope, audited; not one who is not connected', async () => {
    const told = notice('a2', (n) => n.kind === 'loggedOut');
    expect((await act('supA', `/agents/${people['a2']!.id}/logout`, { reason: 'End of shift' })).status).toBe(
      200,
    );
    expect(await told).toMatchObject({ reason: 'End of shift' });
    expect((await auditLines('supervisor.loggedOut'))[0]).toMatchObject({
      actorId: people['supA']!.id,
      target: people['a2']!.id,
    });
    expect((await act('supA', `/agents/${people['b1']!.id}/logout`, { reason: 'x' })).status).toBe(403);
    expect((await act('b1', `/agents/${people['a2']!.id}/logout`, { reason: 'x' })).status).toBe(403);
    // Nobody is there to tell: refused with what to do.
    const offline = await mkPerson('a3', 'agent', team.A.id).then(() =>
      act('supA', `/agents/${people['a3']!.id}/logout`, { reason: 'x' }),
    );
    expect([offline.status, offline.body.error?.code]).toEqual([409, 'RELAY_ERR_CONFLICT']);
  });

  it('takes and reassigns a conversation of its team, telling the agents why, audited', async () => {
    const conv = await conversationIn('A');
    const took = await act('supA', `/conversations/${conv}/assign`, { take: true, reason: 'VIP customer' });
    expect([took.status, took.body['assigneeId']]).toEqual([200, people['supA']!.id]);
    expect((await auditLines('supervisor.took'))[0]).toMatchObject({
      actorId: people['supA']!.id,
      target: conv,
    });

    const told = notice('a1', (n) => n.kind === 'reassigned');
    const moved = await act('supA', `/conversations/${conv}/assign`, {
      toAgentId: people['a1']!.id,
      reason: 'Speaks Cantonese',
    });
    expect(moved.status).toBe(200);
    expect(await told).toMatchObject({
      conversationId: conv,
      toAgentName: 'Person a1',
      reason: 'Speaks Cantonese',
    });
    const [line] = await auditLines('supervisor.reassigned');
    expect(line!.detail).toMatchObject({
      from: people['supA']!.id,
      to: people['a1']!.id,
      reason: 'Speaks Cantonese',
    });
    // The assignment is the relay's record, synced like any change.
    const stored = relay.db
      .prepare(
        "SELECT json_extract(data, '$.assigneeId') FROM records WHERE entity = 'conversation' AND id = ?",
      )
      .pluck()
      .get(conv);
    expect(stored).toBe(people['a1']!.id);

    // Not to someone outside its team, not another team's conversation, not by an agent.
    const outside = await act('supA', `/conversations/${conv}/assign`, {
      toAgentId: people['b1']!.id,
      reason: 'x',
    });
    expect([outside.status, outside.body.error?.code]).toEqual([422, 'RELAY_ERR_VALIDATION']);
    const convB = await conversationIn('B');
    expect((await act('supA', `/conversations/${convB}/assign`, { take: true, reason: 'x' })).status).toBe(
      403,
    );
    expect((await act('a2', `/conversations/${conv}/assign`, { take: true, reason: 'x' })).status).toBe(403);
    expect(
      (await act('admin', `/conversations/${convB}/assign`, { toAgentId: people['b1']!.id, reason: 'Ok' }))
        .status,
    ).toBe(200);
  });

  it('whispers to the agent on a conversation, and to nobody else; the words are not in the log', async () => {
    const conv = await conversationIn('A');
    await act('supA', `/conversations/${conv}/assign`, { toAgentId: people['a1']!.id, reason: 'Yours' });
    const told = notice('a1', (n) => n.kind === 'whisper');
    const r = await act('supA', `/conversations/${conv}/whisper`, {
      body: 'Offer the refund, it is approved.',
    });
    expect(r.status).toBe(200);
    expect(await told).toMatchObject({
      kind: 'whisper',
      conversationId: conv,
      body: 'Offer the refund, it is approved.',
    });
    // A teammate who sees the conversation hears nothing of it.
    expect(sockets['a2']!.frames.some((f) => f.t === 'supervisorNotice' && f.notice.kind === 'whisper')).toBe(
      false,
    );
    const [line] = await auditLines('supervisor.whispered');
    expect(line).toMatchObject({ actorId: people['supA']!.id, target: conv });
    expect(JSON.stringify(line)).not.toContain('refund');

    expect((await act('b1', `/conversations/${conv}/whisper`, { body: 'hi' })).status).toBe(403);
    const convB = await conversationIn('B');
    expect((await act('supA', `/conversations/${convB}/whisper`, { body: 'hi' })).status).toBe(403);
    // An unassigned conversation has nobody to whisper to.
    const fresh = await conversationIn('A');
    expect((await act('supA', `/conversations/${fresh}/whisper`, { body: 'hi' })).status).toBe(409);
  });

  it('gives the board over HTTP to supervisors and admins, never to agents', async () => {
    const sup = await http<{ agents: { id: string }[] }>(
      relay,
      'GET',
      '/v1/supervisor/board',
      undefined,
      as('supA'),
    );
    expect(sup.status).toBe(200);
    expect(sup.body.agents.map((a) => a.id)).not.toContain(people['b1']!.id);
    expect((await http(relay, 'GET', '/v1/supervisor/board', undefined, as('a1'))).status).toBe(403);
    expect((await http(relay, 'GET', '/v1/supervisor/board')).status).toBe(401);
  });
});
