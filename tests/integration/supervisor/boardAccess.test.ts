import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import { EventHub } from '../../../src/main/base/events';
import { SupervisorService } from '../../../src/main/services/supervisorService';
import type { EventChannel } from '../../../src/shared/channels';
import type { BoardAccess, SupervisorBoard } from '../../../src/shared/supervisor';
import { post, relayWithTeam, startApp, stopApp, until, type App } from '../store/relayHarness';

// A watcher who loses scope while the live view is open, through a real relay and a real app
// (sync client and the supervisor service in main): the relay stops sending what they may no
// longer see and says so (`boardAccessLost`), and the service hands that to the view.

let relay: Relay;
let adminToken: string;
let teams: { support: string; billing: string };
let asAdmin: (path: string, body: unknown) => Promise<{ id: string }>;
const apps: App[] = [];

async function put(path: string, body: unknown) {
  const r = await fetch(new URL(path, relay.url), {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
}

/** A signed-in app of `email` whose supervisor service watches the board; what it emitted. */
async function watching(email: string) {
  const app = await startApp(relay, email);
  apps.push(app);
  const events = new EventHub();
  const heard: { event: EventChannel; payload: unknown }[] = [];
  events.subscribe((event, payload) => heard.push({ event, payload }));
  const service = new SupervisorService({
    events,
    relay: () => Promise.reject(new Error('no actions in this test')),
    setOwnState: () => undefined,
  });
  service.attach(app.client);
  service.watch(true);
  const boards = () =>
    heard.filter((h) => h.event === 'supervisor:board').map((h) => h.payload as SupervisorBoard);
  const lost = () =>
    heard.filter((h) => h.event === 'supervisor:accessLost').map((h) => h.payload as BoardAccess);
  return { service, heard, boards, lost };
}

const teamIdsOf = (b: SupervisorBoard | undefined) => (b?.teams.map((t) => t.id) ?? []).sort();

beforeAll(async () => {
  const r = await relayWithTeam();
  relay = r.relay;
  asAdmin = r.asAdmin;
  const login = await post(relay, '/v1/auth/login', {
    email: 'admin@example.com',
    password: 'admin-pass-1',
    deviceName: 'admin tools',
  });
  adminToken = ((await login.json()) as { accessToken: string }).accessToken;
  const billing = await asAdmin('/v1/admin/teams', { name: 'Billing' });
  teams = { support: r.team.id, billing: billing.id };
});

afterAll(async () => {
  for (const a of apps) stopApp(a);
  await relay.close();
});

describe('supervisor board access', () => {
  it('tells a supervisor taken off a team which one, then narrows the board; a role change ends it', async () => {
    const sup = await asAdmin('/v1/admin/agents', {
      email: 'sam@example.com',
      password: 'agent-pass-1',
      name: 'Sam',
      role: 'supervisor',
      teamIds: [teams.support, teams.billing],
    });
    const w = await watching('sam@example.com');
    await until(() => teamIdsOf(w.boards().at(-1)).length === 2);

    await put(`/v1/admin/agents/${sup.id}/teams`, { teamIds: [teams.support] });
    await until(() => w.lost().length === 1);
    expect(w.lost()[0]).toMatchObject({
      reason: 'teams',
      ended: false,
      teams: [{ id: teams.billing, name: 'Billing' }],
    });
    await until(() => teamIdsOf(w.boards().at(-1)).join() === teams.support);
    // A view opened later still learns what happened.
    expect(w.service.watch(true).accessLost).toMatchObject({ reason: 'teams' });

    await put(`/v1/admin/agents/${sup.id}/role`, { role: 'agent' });
    await until(() => w.lost().length === 2);
    expect(w.lost()[1]).toMatchObject({
      reason: 'role',
      ended: true,
      teams: [{ id: teams.support, name: 'Support' }],
    });
    // The last board is no longer the truth: the service drops it.
    expect(w.service.watch(true).board).toBeNull();
  });

  it("ends the old team's board for a supervisor moved to another team", async () => {
    const sue = await asAdmin('/v1/admin/agents', {
      email: 'sue@example.com',
      password: 'agent-pass-1',
      name: 'Sue',
      role: 'supervisor',
      teamIds: [teams.support],
    });
    const w = await watching('sue@example.com');
    await until(() => teamIdsOf(w.boards().at(-1)).join() === teams.support);

    await put(`/v1/admin/agents/${sue.id}/teams`, { teamIds: [teams.billing] });
    await until(() => w.lost().length === 1);
    expect(w.lost()[0]).toMatchObject({
      reason: 'teams',
      ended: false,
      teams: [{ id: teams.support, name: 'Support' }],
    });
    await until(() => teamIdsOf(w.boards().at(-1)).join() === teams.billing);
  });

  it('tells an admin made a supervisor that the board now shows only their teams', async () => {
    const ada = await asAdmin('/v1/admin/agents', {
      email: 'ada@example.com',
      password: 'agent-pass-1',
      name: 'Ada',
      role: 'admin',
      teamIds: [teams.support],
    });
    const w = await watching('ada@example.com');
    await until(() => w.boards().at(-1)?.all === true);

    await put(`/v1/admin/agents/${ada.id}/role`, { role: 'supervisor' });
    await until(() => w.lost().length === 1);
    expect(w.lost()[0]).toMatchObject({ reason: 'role', ended: false });
    expect(w.lost()[0]!.teams.map((t) => t.id)).toContain(teams.billing);
    expect(w.lost()[0]!.teams.map((t) => t.id)).not.toContain(teams.support);
    await until(() => w.boards().at(-1)?.all === false);
    expect(teamIdsOf(w.boards().at(-1))).toEqual([teams.support]);
  });
});
