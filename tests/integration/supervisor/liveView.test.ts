import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import type { SupervisorBoard } from '../../../src/shared/supervisor';
import type { ServerFrame } from '../../../src/shared/sync/protocol';
import { ADMIN, hello, http, login, startTestRelay, type Client } from '../relay/helpers';

// The supervisor's live view through a real relay: the board is pushed over the sync socket to
// supervisors (their teams) and admins (all), never to agents, and follows presence and queues live.

let relay: Relay & { dataDir: string };
let adminToken: string;
const team: Record<'A' | 'B', { id: string; inbox: string }> = {} as never;
const people: Record<string, { id: string; token: string }> = {};
const open: Client[] = [];

async function mkPerson(key: string, role: string, teamId: string) {
  const email = `${key}-${Date.now()}@relay.test`;
  const r = await http<{ id: string }>(
    relay,
    'POST',
    '/v1/admin/agents',
    { email, password: 'password-123', name: `Person ${key}`, role, teamIds: [teamId] },
    adminToken,
  );
  if (r.status !== 200) throw new Error(JSON.stringify(r.body));
  people[key] = { id: r.body.id, token: (await login(relay, email, 'password-123')).accessToken };
}

async function session(token: string): Promise<Client> {
  const c = await hello(relay, token);
  open.push(c);
  return c;
}

/** The next board frame that satisfies `pred`. */
const boardWhere = (c: Client, pred: (b: SupervisorBoard) => boolean) =>
  c.next('board', (f) => pred(f.board)).then((f) => f.board);

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
  await mkPerson('b1', 'agent', team.B.id);
  await mkPerson('supA', 'supervisor', team.A.id);
});

afterAll(async () => {
  for (const c of open) c.ws.close();
  await relay.close();
});

describe('supervisor live view', () => {
  it('pushes a supervisor the board of their team only, an admin every team, an agent nothing', async () => {
    const a1 = await session(people['a1']!.token);
    a1.send({ t: 'presence', state: 'available' });
    const sup = await session(people['supA']!.token);
    sup.send({ t: 'watch', on: true });
    const board = await boardWhere(sup, (b) =>
      b.agents.some((a) => a.id === people['a1']!.id && a.connected),
    );
    expect(board.all).toBe(false);
    expect(board.teams.map((t) => t.id)).toEqual([team.A.id]);
    expect(board.agents.map((a) => a.id)).not.toContain(people['b1']!.id);
    expect(board.queues.map((q) => q.inboxId)).toEqual([team.A.inbox]);

    const admin = await session(adminToken);
    admin.send({ t: 'watch', on: true });
    const all = await boardWhere(admin, () => true);
    expect(all.all).toBe(true);
    expect(all.agents.map((a) => a.id)).toEqual(expect.arrayContaining([people['a1']!.id, people['b1']!.id]));
    expect(all.queues.map((q) => q.inboxId)).toEqual(expect.arrayContaining([team.A.inbox, team.B.inbox]));

    const agent = await session(people['b1']!.token);
    agent.send({ t: 'watch', on: true });
    const refused = await agent.next('error');
    expect(refused.code).toBe('RELAY_ERR_FORBIDDEN');
    // Something that changes every board afterwards: the agent still gets none.
    a1.send({ t: 'presence', state: 'away' });
    await boardWhere(sup, (b) => b.agents.find((a) => a.id === people['a1']!.id)?.state === 'away');
    agent.send({ t: 'pull', cursor: 0 });
    await agent.next('changes', (f) => !f.more);
    expect(agent.frames.filter((f: ServerFrame) => f.t === 'board')).toEqual([]);
  });

  it('shows a status change and a new waiting customer as they happen', async () => {
    const a1 = open[0]!;
    const sup = open[1]!;
    a1.send({ t: 'presence', state: 'available' });
    const avail = await boardWhere(
      sup,
      (b) => b.agents.find((a) => a.id === people['a1']!.id)?.state === 'available',
    );
    const since = avail.agents.find((a) => a.id === people['a1']!.id)!.stateSince;
    expect(Date.parse(since)).toBeGreaterThan(Date.now() - 60_000);
    // a1 goes away so the customer keeps waiting (nobody is offered it).
    a1.send({ t: 'presence', state: 'away' });
    await boardWhere(sup, (b) => b.agents.find((a) => a.id === people['a1']!.id)?.state === 'away');
    const r = await http(
      relay,
      'POST',
      '/v1/channels/api/messages',
      { inboxId: team.A.inbox, from: { name: 'Li Wei', email: 'li@example.cn' }, text: '你好' },
      adminToken,
    );
    expect(r.status).toBe(201);
    const waiting = await boardWhere(sup, (b) => b.queues[0]!.waiting === 1);
    expect(waiting.queues[0]!.offeredToday).toBe(1);
    expect(waiting.queues[0]!.longestWaitSince).not.toBeNull();
  });

  it("shows an away agent's reason, checked against the fixed list; a bad one is refused and changes nothing", async () => {
    const a1 = open[0]!;
    const sup = open[1]!;
    const mine = (b: SupervisorBoard) => b.agents.find((a) => a.id === people['a1']!.id);
    a1.send({ t: 'presence', state: 'away', reason: 'lunch' });
    const lunch = mine(await boardWhere(sup, (b) => mine(b)?.reason === 'lunch'))!;
    expect(lunch.state).toBe('away');
    // A new reason is a new status: its time restarts.
    a1.send({ t: 'presence', state: 'away', reason: 'meeting' });
    const meeting = mine(await boardWhere(sup, (b) => mine(b)?.reason === 'meeting'))!;
    expect(Date.parse(meeting.stateSince)).toBeGreaterThanOrEqual(Date.parse(lunch.stateSince));

    // Not on the list, or with another state than away: refused in words, the board unchanged.
    a1.send({ t: 'presence', state: 'away', reason: 'nap' });
    const bad = await a1.next('error');
    expect(bad.code).toBe('RELAY_ERR_BAD_FRAME');
    expect(bad.message).toContain('reason');
    a1.send({ t: 'presence', state: 'available', reason: 'lunch' });
    const alsoBad = await a1.next('error');
    expect(alsoBad.message).toContain('A reason can only be given with the away state');

    // The connection and the relay go on: the next status clears the reason.
    a1.send({ t: 'presence', state: 'available' });
    const avail = mine(await boardWhere(sup, (b) => mine(b)?.state === 'available'))!;
    expect(avail.reason).toBeNull();
    expect(sup.frames.some((f) => f.t === 'board' && mine(f.board)?.reason === ('nap' as never))).toBe(false);
  });

  it('marks an agent disconnected, and since when', async () => {
    const sup = open[1]!;
    const a1 = open[0]!;
    a1.ws.close();
    const b = await boardWhere(
      sup,
      (x) => x.agents.find((a) => a.id === people['a1']!.id)?.connected === false,
    );
    expect(b.agents.find((a) => a.id === people['a1']!.id)!.disconnectedSince).not.toBeNull();
  });
});
