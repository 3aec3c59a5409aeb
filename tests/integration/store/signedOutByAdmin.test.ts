import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import { relayWithTeam, settled, startApp, stopApp, until, post, type App } from './relayHarness';

// The app's side of account management, with a real relay and a real encrypted cache: an admin
// disables the agent (or resets the password) and the agent's sync client stops at once, forgets
// its tokens, keeps the cache and the outbox, and says why.
let relay: Relay;
let asAdmin: Awaited<ReturnType<typeof relayWithTeam>>['asAdmin'];
let agent: Awaited<ReturnType<typeof relayWithTeam>>['agent'];
const apps: App[] = [];

beforeAll(async () => {
  ({ relay, asAdmin, agent } = await relayWithTeam());
});
afterAll(async () => {
  for (const a of apps) stopApp(a);
  await relay.close();
});

describe('sync client signed out by an admin', () => {
  it('disabling stops syncing with the reason and keeps unsent work', async () => {
    const { id } = await agent('li@relay.test', 'Li Wei 李伟');
    const app = await startApp(relay, 'li@relay.test');
    apps.push(app);
    await until(() => settled(app));
    await asAdmin(`/v1/admin/agents/${id}/disable`, { reason: 'contract ended' });
    await until(() => app.client.state().status === 'signedOut');
    expect(app.client.state().lastError).toMatchObject({
      code: 'RELAY_ERR_ACCOUNT_DISABLED',
      message: expect.stringContaining('contract ended'),
    });
    // Work done after the sign-out waits in the outbox for the next sign-in.
    app.store.mutate('customer.create', { id: app.store.newId(), fields: { name: '张三' } });
    expect(app.store.pendingCount()).toBe(1);
    // Not revoked: nothing was wiped, and the client does not reconnect by itself.
    expect(app.revokedReason).toBeNull();
    expect(app.store.getSession()).toBeUndefined();
    app.client.start();
    expect(app.client.state().status).toBe('signedOut');
  });

  it('a password reset signs the app out; the next sign-in needs a new password', async () => {
    const { id } = await agent('mo@relay.test', 'Mo');
    const app = await startApp(relay, 'mo@relay.test');
    apps.push(app);
    await until(() => settled(app));
    const r = await post(relay, `/v1/admin/agents/${id}/password`, {}, await adminToken());
    const { temporaryPassword } = (await r.json()) as { temporaryPassword: string };
    await until(() => app.client.state().status === 'signedOut');
    expect(app.client.state().lastError?.code).toBe('RELAY_ERR_SESSION_ENDED');

    await expect(app.client.login('mo@relay.test', temporaryPassword, 'laptop')).rejects.toMatchObject({
      code: 'LOCAL_ERR_PASSWORD_CHANGE_REQUIRED',
    });
    await app.client.login('mo@relay.test', temporaryPassword, 'laptop', 'mo-new-password');
    app.client.start();
    await until(() => settled(app));
  });

  it('an app that was offline during the reset is signed out at its next connection', async () => {
    const { id } = await agent('yu@relay.test', 'Yu');
    const app = await startApp(relay, 'yu@relay.test');
    apps.push(app);
    await until(() => settled(app));
    app.client.stop();
    expect((await post(relay, `/v1/admin/agents/${id}/password`, {}, await adminToken())).status).toBe(200);
    app.client.start();
    await until(() => app.client.state().status === 'signedOut');
    expect(app.client.state().lastError).toMatchObject({
      code: 'RELAY_ERR_PASSWORD_CHANGE_REQUIRED',
      message: expect.stringContaining('choose a new one'),
    });
  });
});

async function adminToken(): Promise<string> {
  const r = await post(relay, '/v1/auth/login', {
    email: 'admin@example.com',
    password: 'admin-pass-1',
    deviceName: 'admin 2',
  });
  return ((await r.json()) as { accessToken: string }).accessToken;
}
