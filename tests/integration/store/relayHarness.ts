// Real relay in-process plus real apps (encrypted cache + sync client) for the store integration tests.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdmin, startRelay, type Relay, type RelayOptions } from '../../../src/relay/index';
import { createHandlers, type Handlers } from '../../../src/main/api/handlers';
import { CacheVault } from '../../../src/main/keychain/cacheVault';
import { createServices, type Services } from '../../../src/main/services';
import { createSilentLogger } from '../../../src/main/base/logger';
import type { LocalStore } from '../../../src/main/store/localStore';
import { SyncClient, type SyncClientOptions, type SyncState } from '../../../src/main/sync/syncClient';

export type App = {
  dir: string;
  vault: CacheVault;
  store: LocalStore;
  client: SyncClient;
  states: SyncState[];
  revokedReason: string | null;
};

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));

export async function relayWithTeam(opts: Partial<RelayOptions> = {}) {
  const dataDir = tmp('sb-relay-');
  await createAdmin({ dataDir, email: 'admin@example.com', password: 'admin-pass-1', name: 'Admin' });
  const relay = await startRelay({ dataDir, port: 0, log: createSilentLogger(), ...opts });
  const adminToken = (await (
    await post(relay, '/v1/auth/login', {
      email: 'admin@example.com',
      password: 'admin-pass-1',
      deviceName: 'admin',
    })
  ).json()) as {
    accessToken: string;
  };
  const asAdmin = async (path: string, body: unknown) => {
    const r = await post(relay, path, body, adminToken.accessToken);
    if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    return r.json() as Promise<{ id: string }>;
  };
  const team = await asAdmin('/v1/admin/teams', { name: 'Support' });
  const agent = (email: string, name: string) =>
    asAdmin('/v1/admin/agents', { email, password: 'agent-pass-1', name, teamIds: [team.id] });
  return { relay, dataDir, team, asAdmin, agent };
}

/**
 * A supervisor of `teamId` (sup@example.com) signed in through the app's real services (encrypted
 * cache, sync) to the relay, and main's handlers over them: what the renderer's calls reach.
 */
export async function signedInSupervisor(
  r: Awaited<ReturnType<typeof relayWithTeam>>,
  teamId: string,
): Promise<{ services: Services; handlers: Handlers }> {
  await r.asAdmin('/v1/admin/agents', {
    email: 'sup@example.com',
    password: 'sup-pass-12',
    name: 'Sup',
    role: 'supervisor',
    teamIds: [teamId],
  });
  const services = createServices({
    dataDir: tmp('sb-supervisor-app-'),
    host: 'browser',
    version: '0.0.0-test',
    runtime: 'Node test',
    log: createSilentLogger(),
    session: { vault: { keychain: null, scryptN: 2 ** 12 } },
  });
  await services.session.login({
    relayUrl: r.relay.url,
    email: 'sup@example.com',
    password: 'sup-pass-12',
    passphrase: 'a passphrase',
  });
  return { services, handlers: createHandlers(services) };
}

export function post(relay: Relay, path: string, body: unknown, token?: string): Promise<Response> {
  return fetch(new URL(path, relay.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
}

/** A signed-in app on a passphrase-protected encrypted cache with short timings. */
export async function startApp(
  relay: Relay,
  email: string,
  extra: Partial<SyncClientOptions> = {},
): Promise<App> {
  const dir = tmp('sb-app-');
  const vault = new CacheVault({
    dir,
    account: email,
    log: createSilentLogger(),
    keychain: null,
    scryptN: 2 ** 12,
    pendingFlushMs: 10,
  });
  const store = vault.openStore(await vault.unlock({ passphrase: 'app passphrase' }));
  const app: App = {
    dir,
    vault,
    store,
    client: null as unknown as SyncClient,
    states: [],
    revokedReason: null,
  };
  app.client = new SyncClient({
    relayUrl: relay.url,
    store,
    log: createSilentLogger(),
    backoffBaseMs: 20,
    backoffCapMs: 200,
    heartbeatMs: 1000,
    batchSize: 25,
    onRevoked: (reason) => {
      app.revokedReason = reason;
      store.close();
      vault.wipe();
    },
    ...extra,
  });
  app.client.onState((s) => app.states.push(s));
  await app.client.login(email, 'agent-pass-1', `laptop of ${email}`);
  app.client.start();
  return app;
}

/** Resolves when `cond` holds, checking every 10 ms; the test timeout is the only limit. */
export async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 10));
}

export const settled = (a: App) => a.client.state().status === 'online' && a.store.pendingCount() === 0;

export function stopApp(a: App): void {
  a.client.dispose();
  a.store.close();
}
