import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import type { Change } from '../../../src/shared/sync/entities';
import type { TokenPair } from '../../../src/shared/sync/protocol';
import { ADMIN, connect, drain, hello, http, login, startTestRelay, type Client } from './helpers';

// People management through a real relay: IT lists, disables (ending live sessions at once),
// enables, resets passwords, changes roles and teams; everyone changes their own password.
let relay: Relay & { dataDir: string };
let admin: TokenPair;
let teamA: string;
let teamB: string;
const PASSWORD = 'password-123';

type Person = {
  id: string;
  email: string;
  role: string;
  teams: { id: string; name: string }[];
  disabled: boolean;
  disabledReason: string | null;
  mustChangePassword: boolean;
  lastSignInAt: string | null;
};
type Err = { error: { code: string; message: string } };

const as = (t: TokenPair | string) => (typeof t === 'string' ? t : t.accessToken);
const call = <T = Person & Err>(method: string, path: string, token: TokenPair | string, body?: unknown) =>
  http<T>(relay, method, path, body, as(token));

async function person(email: string, teamIds: string[] = [teamA], role = 'agent') {
  const r = await call<{ id: string }>('POST', '/v1/admin/agents', admin, {
    email,
    password: PASSWORD,
    name: email,
    role,
    teamIds,
  });
  if (r.status !== 200) throw new Error(JSON.stringify(r.body));
  return { id: r.body.id, email, tokens: await login(relay, email, PASSWORD) };
}

/** Resolves when a live change shows the agent record `id` matching `pred`. */
async function agentRecord(c: Client, id: string, pred: (data: Record<string, unknown>) => boolean) {
  const f = await c.next('changes', (x) =>
    x.changes.some((ch: Change) => ch.entity === 'agent' && ch.id === id && !!ch.data && pred(ch.data)),
  );
  return f.changes.find((ch) => ch.entity === 'agent' && ch.id === id)!.data as Record<string, unknown>;
}

beforeAll(async () => {
  relay = await startTestRelay();
  admin = await login(relay, ADMIN.email, ADMIN.password);
  teamA = (await call<{ id: string }>('POST', '/v1/admin/teams', admin, { name: 'Orders 订单' })).body.id;
  teamB = (await call<{ id: string }>('POST', '/v1/admin/teams', admin, { name: 'Returns' })).body.id;
});
afterAll(async () => {
  await relay.close();
});

describe('relay/accounts over HTTP', () => {
  it('lists people with role, teams, standing and last sign-in; only for admins', async () => {
    const ann = await person('ann@relay.test');
    const sup = await person('sue@relay.test', [teamA], 'supervisor');
    const list = await call<{ people: Person[] }>('GET', '/v1/admin/agents', admin);
    expect(list.status).toBe(200);
    const a = list.body.people.find((p) => p.email === 'ann@relay.test')!;
    expect(a).toMatchObject({ role: 'agent', disabled: false, mustChangePassword: false });
    expect(a.teams).toEqual([{ id: teamA, name: 'Orders 订单' }]);
    expect(Date.parse(a.lastSignInAt!)).toBeGreaterThan(0);
    expect(JSON.stringify(list.body)).not.toMatch(/scrypt|password_hash/);
    expect((await call('GET', `/v1/admin/agents/${ann.id}`, admin)).body.email).toBe('ann@relay.test');

    for (const who of [ann.tokens, sup.tokens]) {
      for (const [m, path, body] of [
        ['GET', '/v1/admin/agents'],
        ['GET', `/v1/admin/agents/${ann.id}`],
        ['POST', `/v1/admin/agents/${ann.id}/disable`, { reason: 'x' }],
        ['POST', `/v1/admin/agents/${ann.id}/enable`],
        ['POST', `/v1/admin/agents/${ann.id}/password`, {}],
        ['PUT', `/v1/admin/agents/${ann.id}/role`, { role: 'admin' }],
        ['PUT', `/v1/admin/agents/${ann.id}/teams`, { teamIds: [teamB] }],
      ] as const) {
        const r = await call(m, path, who, body);
        expect(r.status, `${m} ${path}`).toBe(403);
        expect(r.body.error.code).toBe('RELAY_ERR_FORBIDDEN');
      }
    }
    expect((await http(relay, 'GET', '/v1/admin/agents')).status).toBe(401);
    expect((await call('GET', '/v1/admin/agents/00000000-0000-7000-8000-000000000000', admin)).status).toBe(
      404,
    );
    expect((await call('DELETE', `/v1/admin/agents/${ann.id}/disable`, admin)).status).toBe(405);
  });

  it('disabling closes the person’s live sockets at once with the reason, and sign-in says why', async () => {
    const bo = await person('bo@relay.test');
    const laptop = await hello(relay, bo.tokens.accessToken);
    const phone = await hello(relay, (await login(relay, bo.email, PASSWORD, 'second laptop')).accessToken);

    const r = await call('POST', `/v1/admin/agents/${bo.id}/disable`, admin, { reason: 'left the company' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ disabled: true, disabledReason: 'left the company' });
    // Both sockets end (the wait is the test's generous timeout, not a threshold).
    for (const c of [laptop, phone]) {
      const closed = await c.closed;
      expect(closed.code).toBe(4411);
      expect(closed.reason).toMatch(/disabled by an admin \(left the company\)/);
      expect(c.frames.some((f) => f.t === 'error' && f.code === 'RELAY_ERR_ACCOUNT_DISABLED')).toBe(true);
    }
    // The old tokens are dead, and the next sign-in is refused with the reason.
    const refresh = await http<Err>(relay, 'POST', '/v1/auth/refresh', {
      refreshToken: bo.tokens.refreshToken,
    });
    expect(refresh.status).toBe(401);
    expect((await call('GET', '/v1/devices', bo.tokens)).body.error.code).toBe('RELAY_ERR_ACCOUNT_DISABLED');
    const again = await http<Err>(relay, 'POST', '/v1/auth/login', {
      email: bo.email,
      password: PASSWORD,
      deviceName: 'x',
    });
    expect(again.status).toBe(401);
    expect(again.body.error).toMatchObject({
      code: 'RELAY_ERR_ACCOUNT_DISABLED',
      message: expect.stringContaining('left the company'),
    });
    // A wrong password on a disabled account says only "wrong" (nothing to learn by guessing).
    const wrong = await http<Err>(relay, 'POST', '/v1/auth/login', {
      email: bo.email,
      password: 'nope',
      deviceName: 'x',
    });
    expect(wrong.body.error.code).toBe('RELAY_ERR_UNAUTHORIZED');
    // A socket opened with an old access token is refused the same way.
    const late = await connect(relay);
    late.send({ t: 'hello', protocol: 1, accessToken: bo.tokens.accessToken, cursor: 0 });
    expect((await late.closed).code).toBe(4411);

    expect((await call('POST', `/v1/admin/agents/${bo.id}/enable`, admin)).body.disabled).toBe(false);
    expect((await login(relay, bo.email, PASSWORD)).agent.email).toBe(bo.email);
    // Admins cannot lock themselves out.
    const self = await call('POST', `/v1/admin/agents/${admin.agent.id}/disable`, admin, { reason: 'oops' });
    expect(self.status).toBe(409);
    expect((await call('POST', `/v1/admin/agents/${bo.id}/disable`, admin, { reason: '' })).status).toBe(422);
  });

  it('a reset password must be changed at the next sign-in before anything else', async () => {
    const cy = await person('cy@relay.test');
    const live = await hello(relay, cy.tokens.accessToken);
    const reset = await call<Person & { temporaryPassword: string }>(
      'POST',
      `/v1/admin/agents/${cy.id}/password`,
      admin,
      {},
    );
    expect(reset.status).toBe(200);
    const temp = reset.body.temporaryPassword;
    expect(temp.length).toBeGreaterThanOrEqual(12);
    expect(reset.body.mustChangePassword).toBe(true);
    expect((await live.closed).code).toBe(4401);
    expect(live.frames.some((f) => f.t === 'error' && f.code === 'RELAY_ERR_SESSION_ENDED')).toBe(true);
    await expect(login(relay, cy.email, PASSWORD)).rejects.toThrow(/401/);

    const t = await login(relay, cy.email, temp);
    expect(t.mustChangePassword).toBe(true);
    const blocked = await call<Err>('GET', '/v1/devices', t);
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.code).toBe('RELAY_ERR_PASSWORD_CHANGE_REQUIRED');
    const sock = await connect(relay);
    sock.send({ t: 'hello', protocol: 1, accessToken: t.accessToken, cursor: 0 });
    await sock.closed;
    expect(sock.frames.some((f) => f.t === 'error' && f.code === 'RELAY_ERR_PASSWORD_CHANGE_REQUIRED')).toBe(
      true,
    );

    const changed = await call('POST', '/v1/auth/password', t, {
      currentPassword: temp,
      newPassword: 'new-pass-456',
    });
    expect(changed.status).toBe(200);
    expect((await call('GET', '/v1/devices', t)).status).toBe(200);
    const fresh = await login(relay, cy.email, 'new-pass-456');
    expect(fresh.mustChangePassword).toBeUndefined();
  });

  it('changing a role or teams changes the synced agent record and what the person may do', async () => {
    const di = await person('di@relay.test');
    const watcher = await hello(relay, admin.accessToken);
    await drain(watcher);
    expect((await call('GET', '/v1/admin/teams', di.tokens)).status).toBe(403);

    const r = await call('PUT', `/v1/admin/agents/${di.id}/role`, admin, { role: 'supervisor' });
    expect(r.body.role).toBe('supervisor');
    expect((await agentRecord(watcher, di.id, (d) => d['role'] === 'supervisor'))['role']).toBe('supervisor');
    // The same access token: the role is read from the relay, so it takes effect at once.
    expect((await call('GET', '/v1/admin/teams', di.tokens)).status).toBe(200);

    const t = await call('PUT', `/v1/admin/agents/${di.id}/teams`, admin, { teamIds: [teamB, teamB] });
    expect(t.body.teams.map((x) => x.id)).toEqual([teamB]);
    const rec = await agentRecord(
      watcher,
      di.id,
      (d) => JSON.stringify(d['teamIds']) === JSON.stringify([teamB]),
    );
    expect(rec['teamIds']).toEqual([teamB]);
    expect((await call('PUT', `/v1/admin/agents/${di.id}/teams`, admin, { teamIds: ['nope'] })).status).toBe(
      422,
    );
    expect(
      (
        await call('PUT', `/v1/admin/agents/${di.id}/teams`, admin, {
          teamIds: ['00000000-0000-7000-8000-000000000000'],
        })
      ).status,
    ).toBe(404);
    expect(
      (await call('PUT', `/v1/admin/agents/${admin.agent.id}/role`, admin, { role: 'agent' })).status,
    ).toBe(409);
    expect((await call('PUT', `/v1/admin/agents/${di.id}/role`, admin, { role: 'boss' })).status).toBe(422);
    watcher.ws.close();
  });

  it('people change their own password; other sessions end, this one stays', async () => {
    const ed = await person('ed@relay.test');
    const other = await login(relay, ed.email, PASSWORD, 'old laptop');
    const otherSocket = await hello(relay, other.accessToken);

    expect(
      (
        await call('POST', '/v1/auth/password', ed.tokens, {
          currentPassword: 'wrong',
          newPassword: 'x-new-pass',
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call('POST', '/v1/auth/password', ed.tokens, {
          currentPassword: PASSWORD,
          newPassword: 'short',
        })
      ).status,
    ).toBe(422);
    expect(
      (
        await call('POST', '/v1/auth/password', ed.tokens, {
          currentPassword: PASSWORD,
          newPassword: PASSWORD,
        })
      ).status,
    ).toBe(422);
    const ok = await call<{ changed: boolean; endedSessions: number }>(
      'POST',
      '/v1/auth/password',
      ed.tokens,
      {
        currentPassword: PASSWORD,
        newPassword: 'brand-new-pass-1',
      },
    );
    expect(ok.body).toEqual({ changed: true, endedSessions: 1 });
    expect((await otherSocket.closed).code).toBe(4401);
    expect((await http(relay, 'POST', '/v1/auth/refresh', { refreshToken: other.refreshToken })).status).toBe(
      401,
    );
    expect(
      (await http(relay, 'POST', '/v1/auth/refresh', { refreshToken: ed.tokens.refreshToken })).status,
    ).toBe(200);
    await login(relay, ed.email, 'brand-new-pass-1');
    expect(
      (await http(relay, 'POST', '/v1/auth/password', { currentPassword: 'a', newPassword: 'b' })).status,
    ).toBe(401);
  });

  it('puts every one of these admin actions on the audit log', async () => {
    const log = await call<{ entries: { action: string; actorEmail: string | null }[] }>(
      'GET',
      '/v1/admin/audit?limit=1000',
      admin,
    );
    const actions = new Set(log.body.entries.map((e) => e.action));
    for (const a of [
      'account.created',
      'account.disabled',
      'account.enabled',
      'account.passwordReset',
      'account.roleChanged',
      'account.teamsChanged',
      'auth.passwordChanged',
    ])
      expect(actions).toContain(a);
    const disabled = log.body.entries.find((e) => e.action === 'account.disabled')!;
    expect(disabled.actorEmail).toBe(ADMIN.email);
  });
});
