import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import { ADMIN, http, login, startTestRelay, twoTeams } from './helpers';

// The audit log through a real relay: admins read who did what (filtered, paged) and export it
// as CSV; nobody else reads it.
let relay: Relay & { dataDir: string };
let setup: Awaited<ReturnType<typeof twoTeams>>;
let admin: string;

type Entry = {
  seq: number;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  target: string | null;
  detail: Record<string, unknown>;
  ip: string | null;
};
type Page = { entries: Entry[]; nextCursor: number | null };

beforeAll(async () => {
  relay = await startTestRelay();
  setup = await twoTeams(relay);
  admin = setup.admin.accessToken;
});
afterAll(async () => {
  await relay.close();
});

const read = (query: string, token = admin) =>
  http<Page>(relay, 'GET', `/v1/admin/audit${query}`, undefined, token);

describe('relay/audit over HTTP', () => {
  it('records sign-ins, failures, accounts, keys, routing, devices and web chat settings', async () => {
    const wrong = await http(relay, 'POST', '/v1/auth/login', {
      email: ADMIN.email,
      password: 'not-it',
      deviceName: 'x',
    });
    expect(wrong.status).toBe(401);
    const inbox = (
      await http<{ id: string }>(
        relay,
        'POST',
        '/v1/admin/inboxes',
        { name: 'Chat', channel: 'chat', teamId: setup.teamA },
        admin,
      )
    ).body.id;
    const key = (
      await http<{ id: string }>(relay, 'POST', `/v1/admin/inboxes/${inbox}/api-keys`, { name: 'CRM' }, admin)
    ).body.id;
    expect((await http(relay, 'DELETE', `/v1/admin/api-keys/${key}`, undefined, admin)).status).toBe(200);
    expect(
      (await http(relay, 'PUT', `/v1/admin/agents/${setup.a.id}/routing`, { capacity: { chat: 2 } }, admin))
        .status,
    ).toBe(200);
    expect(
      (await http(relay, 'PUT', `/v1/admin/teams/${setup.teamB}/members/${setup.a.id}`, undefined, admin))
        .status,
    ).toBe(200);
    expect(
      (
        await http(
          relay,
          'PUT',
          `/v1/admin/inboxes/${inbox}/webchat`,
          { allowedOrigins: ['https://shop.example'] },
          admin,
        )
      ).status,
    ).toBe(200);
    const device = setup.b.tokens.deviceId;
    expect((await http(relay, 'POST', `/v1/devices/${device}/revoke`, undefined, admin)).status).toBe(200);

    const { body } = await read('?limit=1000');
    const actions = body.entries.map((e) => e.action);
    for (const a of [
      'auth.signIn',
      'auth.signInFailed',
      'account.created',
      'team.created',
      'inbox.created',
      'apiKey.created',
      'apiKey.revoked',
      'routing.agentChanged',
      'account.teamsChanged',
      'webchat.settingsChanged',
      'device.revoked',
    ])
      expect(actions).toContain(a);
    // The first admin, made on the relay's machine, is on the log with no actor.
    expect(body.entries.at(-1)).toMatchObject({
      action: 'account.created',
      actorId: null,
      detail: { email: ADMIN.email, via: 'command line' },
    });
    const failed = body.entries.find((e) => e.action === 'auth.signInFailed')!;
    expect(failed).toMatchObject({
      target: ADMIN.email,
      ip: '127.0.0.1',
      detail: { reason: 'wrong password' },
    });
    const revoked = body.entries.find((e) => e.action === 'device.revoked')!;
    expect(revoked).toMatchObject({ actorEmail: ADMIN.email, target: device, detail: { owner: setup.b.id } });
    // The web chat line names the fields changed, never their values (a secret could be one).
    expect(JSON.stringify(body.entries.find((e) => e.action === 'webchat.settingsChanged'))).not.toContain(
      'shop.example',
    );
  });

  it('filters by actor, action and time, and pages without gaps', async () => {
    const byA = (await read(`?actor=${encodeURIComponent(setup.a.tokens.agent.email)}`)).body.entries;
    expect(byA.length).toBeGreaterThan(0);
    expect(byA.every((e) => e.actorId === setup.a.id)).toBe(true);
    const signIns = (await read('?action=auth.signIn')).body.entries;
    expect(signIns.every((e) => e.action === 'auth.signIn')).toBe(true);
    expect((await read(`?since=${new Date(Date.now() + 3600_000).toISOString()}`)).body.entries).toEqual([]);

    const all = (await read('?limit=1000')).body.entries.map((e) => e.seq);
    const paged: number[] = [];
    let cursor = '';
    for (;;) {
      const page = (await read(`?limit=4${cursor}`)).body;
      paged.push(...page.entries.map((e) => e.seq));
      if (page.nextCursor === null) break;
      cursor = `&cursor=${page.nextCursor}`;
    }
    expect(paged).toEqual(all);
  });

  it('exports CSV that a spreadsheet cannot be tricked by', async () => {
    // An email that a spreadsheet would run as a formula, tried at sign-in (so it lands in target).
    await http(relay, 'POST', '/v1/auth/login', { email: '-cmd@x.io', password: 'x', deviceName: 'x' });
    const res = await fetch(`${relay.url}/v1/admin/audit.csv?action=auth.signInFailed`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment/);
    const text = (await res.text()).replace(/^\ufeff/, '');
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('seq,time,actor email,actor id,action,target,ip,detail');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.slice(1).every((l) => l.includes(',auth.signInFailed,'))).toBe(true);
    expect(text).toContain(",'-cmd@x.io,");
    expect(text).not.toMatch(/,-cmd/);
    // The export itself is audited.
    expect((await read('?action=audit.exported')).body.entries[0]).toMatchObject({ actorEmail: ADMIN.email });
  });

  it('is for admins only, and bad filters get a reason', async () => {
    const agent = await login(relay, setup.a.tokens.agent.email, 'password-123');
    for (const path of ['/v1/admin/audit', '/v1/admin/audit.csv']) {
      const r = await http<{ error: { code: string } }>(relay, 'GET', path, undefined, agent.accessToken);
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('RELAY_ERR_FORBIDDEN');
      expect((await http(relay, 'GET', path)).status).toBe(401);
    }
    for (const q of ['?limit=0', '?limit=abc', '?since=yesterday', '?cursor=-1', '?limit=100000'])
      expect((await read(q)).status).toBe(422);
    expect((await read('?actor=%E0%A4%A')).status).toBe(200);
    expect((await http(relay, 'POST', '/v1/admin/audit', {}, admin)).status).toBe(405);
  });
});
