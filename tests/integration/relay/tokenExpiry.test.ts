import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import { ADMIN, http, login, startTestRelay, twoTeams } from './helpers';
import { startApp, stopApp, until } from '../store/relayHarness';

// Access tokens live 1.5 s here and the relay checks every 100 ms: a connection lasts no longer
// than its token unless the client sends a fresh one over it.
let relay: Relay & { dataDir: string };
let teams: Awaited<ReturnType<typeof twoTeams>>;

beforeAll(async () => {
  // The teams and agents are made on a relay with the usual token life (making them hashes
  // passwords, which on a loaded machine can outlast 1.5 s), then the same data is served with
  // the short one.
  const setup = await startTestRelay();
  teams = await twoTeams(setup);
  await setup.close();
  relay = await startTestRelay({ dataDir: setup.dataDir, accessTokenTtlMs: 1_500, heartbeatMs: 100 });
});
afterAll(async () => {
  await relay.close();
});

async function raw(token: string) {
  const { hello } = await import('./helpers');
  return hello(relay, token);
}

describe('relay/sync access token expiry on open connections', () => {
  it('closes a connection whose token expired with TOKEN_EXPIRED and 4401', async () => {
    const c = await raw((await login(relay, teams.a.tokens.agent.email, 'password-123')).accessToken);
    const err = await c.next('error');
    expect(err.code).toBe('RELAY_ERR_TOKEN_EXPIRED');
    expect((await c.closed).code).toBe(4401);
  });

  it('keeps a connection that re-authenticates with a fresh token, and refuses another agent’s token', async () => {
    const tokens = await login(relay, teams.a.tokens.agent.email, 'password-123');
    const c = await raw(tokens.accessToken);
    // Two refreshes, each sent over the socket, carry it past the first token's expiry.
    let refreshToken = tokens.refreshToken;
    for (let i = 0; i < 2; i++) {
      const fresh = await http<{ accessToken: string; refreshToken: string }>(
        relay,
        'POST',
        '/v1/auth/refresh',
        {
          refreshToken,
        },
      );
      refreshToken = fresh.body.refreshToken;
      c.send({ t: 'reauth', accessToken: fresh.body.accessToken });
      await new Promise((r) => setTimeout(r, 1_000));
    }
    expect(c.ws.readyState).toBe(c.ws.OPEN);
    c.send({
      t: 'reauth',
      accessToken: (await login(relay, teams.b.tokens.agent.email, 'password-123')).accessToken,
    });
    expect((await c.closed).code).toBe(4401);
  });

  it('the app stays online across several token lifetimes', async () => {
    const email = 'long-shift@relay.test';
    await http(
      relay,
      'POST',
      '/v1/admin/agents',
      { email, password: 'agent-pass-1', name: 'Long Shift', teamIds: [teams.teamA] },
      (await login(relay, ADMIN.email, ADMIN.password)).accessToken,
    );
    const app = await startApp(relay, email, { refreshMarginMs: 700 });
    await until(() => app.client.state().status === 'online');
    const closes: string[] = [];
    app.client.onState((s) => s.status === 'offline' && closes.push(s.lastError?.code ?? 'offline'));
    await new Promise((r) => setTimeout(r, 5_000));
    expect(app.client.state().status).toBe('online');
    expect(closes).toEqual([]);
    stopApp(app);
  });
});
