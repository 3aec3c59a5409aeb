import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import type { TokenPair } from '../../../src/shared/sync/protocol';
import { ADMIN, connect, hello, http, login, startTestRelay, twoTeams } from './helpers';

let relay: Relay;
let setup: Awaited<ReturnType<typeof twoTeams>>;

beforeAll(async () => {
  relay = await startTestRelay({ maxBodyBytes: 4096 });
  setup = await twoTeams(relay);
});
afterAll(async () => {
  await relay.close();
});

describe('relay/http auth', () => {
  it('answers /healthz to anyone and /metrics to admins', async () => {
    expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${relay.url}/metrics`)).status).toBe(401);
    const res = await fetch(`${relay.url}/metrics`, {
      headers: { authorization: `Bearer ${setup.admin.accessToken}` },
    });
    const text = await res.text();
    for (const m of [
      'relay_connections',
      'relay_mutations_applied_total',
      'relay_log_position',
      'relay_push_latency_ms_count',
      'relay_pull_latency_ms{quantile="0.99"}',
    ]) {
      expect(text).toContain(m);
    }
  });

  it('logs in with the right password only, without saying which part was wrong', async () => {
    const pair = await login(relay, ADMIN.email, ADMIN.password);
    expect(pair.agent).toMatchObject({ email: ADMIN.email, role: 'admin' });
    expect(pair.agent).not.toHaveProperty('password_hash');
    expect(Date.parse(pair.accessExpiresAt)).toBeGreaterThan(Date.now());
    const wrong = await http(relay, 'POST', '/v1/auth/login', {
      email: ADMIN.email,
      password: 'nope',
      deviceName: 'x',
    });
    const unknown = await http(relay, 'POST', '/v1/auth/login', {
      email: 'ghost@relay.test',
      password: 'nope',
      deviceName: 'x',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body).toEqual({ error: { code: 'RELAY_ERR_UNAUTHORIZED', message: expect.any(String) } });
  });

  it('stores refresh tokens and passwords only as hashes', async () => {
    const pair = await login(relay, ADMIN.email, ADMIN.password);
    const all =
      JSON.stringify(relay.db.prepare('SELECT * FROM refresh_tokens').all()) +
      JSON.stringify(relay.db.prepare('SELECT * FROM agents').all());
    expect(all).not.toContain(pair.refreshToken);
    expect(all).not.toContain(ADMIN.password);
  });

  it('rotates refresh tokens and revokes the device when an old one is replayed', async () => {
    const first = await login(relay, setup.a.tokens.agent.email, 'password-123', 'rotating laptop');
    const r1 = await http<TokenPair>(relay, 'POST', '/v1/auth/refresh', { refreshToken: first.refreshToken });
    expect(r1.status).toBe(200);
    expect(r1.body.deviceId).toBe(first.deviceId);
    expect(r1.body.refreshToken).not.toBe(first.refreshToken);
    const r2 = await http<TokenPair>(relay, 'POST', '/v1/auth/refresh', {
      refreshToken: r1.body.refreshToken,
    });
    expect(r2.status).toBe(200);

    const live = await hello(relay, r2.body.accessToken);
    const replay = await http(relay, 'POST', '/v1/auth/refresh', { refreshToken: first.refreshToken });
    expect(replay.status).toBe(401);
    expect(replay.body).toMatchObject({ error: { code: 'RELAY_ERR_DEVICE_REVOKED' } });
    expect((await live.closed).code).toBe(4410);
    // The thief's newest token dies with the device.
    const after = await http(relay, 'POST', '/v1/auth/refresh', { refreshToken: r2.body.refreshToken });
    expect(after.status).toBe(401);
    expect((await http(relay, 'GET', '/v1/devices', undefined, r2.body.accessToken)).body).toMatchObject({
      error: { code: 'RELAY_ERR_DEVICE_REVOKED' },
    });
  });

  it('lists own devices (admins all) and revokes a connected one with close 4410', async () => {
    const laptop = await login(relay, setup.b.tokens.agent.email, 'password-123', 'laptop');
    const phone = await login(relay, setup.b.tokens.agent.email, 'password-123', 'spare');
    const mine = await http<{ devices: { id: string; agentId: string }[] }>(
      relay,
      'GET',
      '/v1/devices',
      undefined,
      laptop.accessToken,
    );
    expect(mine.body.devices.every((d) => d.agentId === setup.b.id)).toBe(true);
    expect(mine.body.devices.map((d) => d.id)).toEqual(
      expect.arrayContaining([laptop.deviceId, phone.deviceId]),
    );
    const all = await http<{ devices: { agentId: string }[] }>(
      relay,
      'GET',
      '/v1/devices',
      undefined,
      setup.admin.accessToken,
    );
    expect(new Set(all.body.devices.map((d) => d.agentId)).size).toBeGreaterThan(1);

    // Another agent cannot revoke it (and cannot tell it exists).
    const other = await http(
      relay,
      'POST',
      `/v1/devices/${phone.deviceId}/revoke`,
      undefined,
      setup.a.tokens.accessToken,
    );
    expect(other.status).toBe(404);

    const sock = await hello(relay, phone.accessToken);
    const r = await http(
      relay,
      'POST',
      `/v1/devices/${phone.deviceId}/revoke`,
      undefined,
      laptop.accessToken,
    );
    expect(r.status).toBe(200);
    await expect(sock.next('error')).resolves.toMatchObject({ code: 'RELAY_ERR_DEVICE_REVOKED' });
    expect((await sock.closed).code).toBe(4410);

    const again = await connect(relay);
    again.send({ t: 'hello', protocol: 1, accessToken: phone.accessToken, cursor: 0 });
    await expect(again.next('error')).resolves.toMatchObject({ code: 'RELAY_ERR_DEVICE_REVOKED' });
    expect((await again.closed).code).toBe(4410);
    // Admins may revoke anyone's device.
    expect(
      (await http(relay, 'POST', `/v1/devices/${laptop.deviceId}/revoke`, undefined, setup.admin.accessToken))
        .status,
    ).toBe(200);
  });

  it('keeps admin endpoints to admins; supervisors read only their teams', async () => {
    const agentTry = await http(
      relay,
      'POST',
      '/v1/admin/teams',
      { name: 'Rogue' },
      setup.a.tokens.accessToken,
    );
    expect(agentTry).toMatchObject({ status: 403, body: { error: { code: 'RELAY_ERR_FORBIDDEN' } } });
    const t = setup.admin.accessToken;
    const sup = await http<{ id: string }>(
      relay,
      'POST',
      '/v1/admin/agents',
      {
        email: 'sup@relay.test',
        password: 'password-123',
        name: 'Sup',
        role: 'supervisor',
        teamIds: [setup.teamA],
      },
      t,
    );
    expect(sup.status).toBe(200);
    const supTokens = await login(relay, 'sup@relay.test', 'password-123');
    const teams = await http<{ teams: { id: string; members: { id: string }[] }[] }>(
      relay,
      'GET',
      '/v1/admin/teams',
      undefined,
      supTokens.accessToken,
    );
    expect(teams.body.teams.map((x) => x.id)).toEqual([setup.teamA]);
    expect(teams.body.teams[0]!.members.map((m) => m.id)).toContain(setup.a.id);
    expect((await http(relay, 'POST', '/v1/admin/teams', { name: 'X' }, supTokens.accessToken)).status).toBe(
      403,
    );
    const inbox = await http(
      relay,
      'POST',
      '/v1/admin/inboxes',
      { name: 'A chat', channel: 'chat', teamId: setup.teamA },
      t,
    );
    expect(inbox.status).toBe(200);
    expect(
      (await http(relay, 'PUT', `/v1/admin/teams/${setup.teamB}/members/${sup.body.id}`, undefined, t))
        .status,
    ).toBe(200);
    const dup = await http(
      relay,
      'POST',
      '/v1/admin/agents',
      { email: 'SUP@relay.test', password: 'password-123', name: 'Dup' },
      t,
    );
    expect(dup).toMatchObject({ status: 409, body: { error: { code: 'RELAY_ERR_CONFLICT' } } });
  });

  it('answers bad HTTP input with JSON errors and the right status', async () => {
    expect(await http(relay, 'GET', '/v1/devices')).toMatchObject({
      status: 401,
      body: { error: { code: 'RELAY_ERR_UNAUTHORIZED' } },
    });
    expect(await http(relay, 'GET', '/v1/devices', undefined, 'forged.token')).toMatchObject({ status: 401 });
    expect(await http(relay, 'POST', '/v1/auth/login', '{not json')).toMatchObject({
      status: 400,
      body: { error: { code: 'RELAY_ERR_BAD_FRAME' } },
    });
    expect(await http(relay, 'POST', '/v1/auth/login', { email: 'x' })).toMatchObject({
      status: 422,
      body: { error: { code: 'RELAY_ERR_VALIDATION' } },
    });
    const big = await http(relay, 'POST', '/v1/auth/login', {
      email: 'a@b.co',
      password: 'x'.repeat(10_000),
      deviceName: 'd',
    });
    expect(big).toMatchObject({ status: 413, body: { error: { code: 'RELAY_ERR_TOO_LARGE' } } });
    expect(await http(relay, 'GET', '/nowhere')).toMatchObject({
      status: 404,
      body: { error: { code: 'RELAY_ERR_NOT_FOUND' } },
    });
  });
});

describe('relay/updates wiring', () => {
  it('lets admins publish a feed file that anyone can then download', async () => {
    const put = await fetch(`${relay.url}/v1/admin/updates/stable/latest.yml`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${setup.admin.accessToken}` },
      body: 'version: 1.0.0\n',
    });
    expect(put.status).toBeLessThan(300);
    expect(await (await fetch(`${relay.url}/updates/stable/latest.yml`)).text()).toBe('version: 1.0.0\n');
    const denied = await fetch(`${relay.url}/v1/admin/updates/stable/evil.yml`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${setup.a.tokens.accessToken}` },
      body: 'x',
    });
    expect(denied.status).toBe(403);
  });
});
