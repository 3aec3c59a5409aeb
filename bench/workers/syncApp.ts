// Bench worker: real apps (encrypted LocalStore + SyncClient) against a relay in another process.
// Commands: `pushApply` (sync.offline_push_10k_ms, sync.remote_apply_10k_ms) and `initial`
// (sync.initial_100k_s).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CacheVault } from '../../src/main/keychain/cacheVault';
import { createSilentLogger } from '../../src/main/base/logger';
import type { LocalStore } from '../../src/main/store/localStore';
import { SyncClient } from '../../src/main/sync/syncClient';
import { progress, serve, until } from './lib/ipc';

type App = { dir: string; store: LocalStore; client: SyncClient };

async function openApp(relayUrl: string, account: string): Promise<App> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-app-'));
  // Passphrase protection (no keychain in a bench); scrypt cost lowered, key derivation is not timed.
  const vault = new CacheVault({ dir, account, log: createSilentLogger(), keychain: null, scryptN: 2 ** 12 });
  const store = vault.openStore(await vault.unlock({ passphrase: 'bench passphrase' }));
  const client = new SyncClient({ relayUrl, store, log: createSilentLogger(), onRevoked: () => undefined });
  return { dir, store, client };
}

function closeApp(a: App): void {
  a.client.dispose();
  a.store.close();
  rmSync(a.dir, { recursive: true, force: true });
}

const online = (a: App) => a.client.state().status === 'online';
const settled = (a: App) => online(a) && a.store.pendingCount() === 0;
const count = (a: App, entity: string) =>
  (a.store.db.prepare('SELECT count(*) AS n FROM records WHERE entity = ?').get(entity) as { n: number }).n;

async function post(
  base: string,
  path: string,
  body: unknown,
  token?: string,
): Promise<Record<string, string>> {
  const r = await fetch(new URL(path, base), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as Record<string, string>;
}

const BODIES = [
  'Hi, my order has not arrived yet. Could you check where it is?',
  '您好，我想查询一下我的订单物流状态，谢谢。',
  'Thanks for waiting: the parcel left the warehouse yesterday.',
  '退款已经处理，三到五个工作日到账。',
];

async function pushApply(m: Record<string, unknown>): Promise<Record<string, unknown>> {
  const relayUrl = String(m['relayUrl']);
  const n = Number(m['mutations'] ?? 10_000);
  const admin = await post(relayUrl, '/v1/auth/login', {
    email: m['adminEmail'],
    password: m['adminPassword'],
    deviceName: 'bench admin',
  });
  const team = await post(relayUrl, '/v1/admin/teams', { name: 'Bench' }, admin['accessToken']);
  for (const who of ['a', 'b'])
    await post(
      relayUrl,
      '/v1/admin/agents',
      {
        email: `${who}@bench.example`,
        password: 'agent-pass-1',
        name: `Agent ${who}`,
        teamIds: [team['id']],
      },
      admin['accessToken'],
    );

  const a = await openApp(relayUrl, 'a@bench.example');
  const b = await openApp(relayUrl, 'b@bench.example');
  try {
    await a.client.login('a@bench.example', 'agent-pass-1', 'bench laptop A');
    a.client.start();
    // Working set made online: 20 customers, 50 conversations.
    const customers = Array.from({ length: 20 }, (_, i) => {
      const id = a.store.newId();
      a.store.mutate('customer.create', { id, fields: { name: `Customer ${i}`, company: 'Harbour' } });
      return id;
    });
    const conversations = Array.from({ length: 50 }, (_, i) => {
      const id = a.store.newId();
      a.store.mutate('conversation.create', {
        id,
        customerId: customers[i % customers.length]!,
        channel: 'chat',
        subject: `Order ${i}`,
      });
      return id;
    });
    await until(() => settled(a), 60_000, 'app A to push its working set');
    await b.client.login('b@bench.example', 'agent-pass-1', 'bench laptop B');
    b.client.start();
    await until(() => online(b) && count(b, 'conversation') === 50, 60_000, 'app B to sync the working set');
    b.client.stop();

    // A goes offline and makes n mixed changes: 50% replies, 30% notes, 20% profile edits.
    a.client.stop();
    let t = performance.now();
    for (let i = 0; i < n; i++) {
      const r = i % 10;
      const conversationId = conversations[i % conversations.length]!;
      if (r < 5)
        a.store.mutate('message.send', {
          id: a.store.newId(),
          conversationId,
          body: `${BODIES[i % 4]} (${i})`,
        });
      else if (r < 8)
        a.store.mutate('note.add', { id: a.store.newId(), conversationId, body: `Note ${i}: call back` });
      else
        a.store.mutate('customer.update', {
          id: customers[i % customers.length]!,
          fields: i % 2 ? { company: `Harbour ${i}` } : { address: `${i} Oak Avenue` },
        });
    }
    progress(`offline: ${n} mutations written to A's outbox in ${Math.round(performance.now() - t)} ms`);
    const pendingBefore = a.store.pendingCount();

    // sync.offline_push_10k_ms: from start() (connect) until the relay acknowledged every one.
    t = performance.now();
    a.client.start();
    await until(() => a.store.pendingCount() === 0, 300_000, 'the outbox to drain', 1);
    const pushMs = performance.now() - t;
    await until(() => settled(a), 60_000, 'A to settle');
    const head = a.store.cursor();
    const rejected = a.store.rejected().length;

    // sync.remote_apply_10k_ms: B was offline while A pushed; from B's connect until caught up.
    const before = b.store.cursor();
    t = performance.now();
    b.client.start();
    await until(() => online(b) && b.store.cursor() >= head, 300_000, 'B to catch up', 1);
    const applyMs = performance.now() - t;
    const check = {
      messages: [count(a, 'message'), count(b, 'message')],
      notes: [count(a, 'note'), count(b, 'note')],
      sameState: a.store.stateHash() === b.store.stateHash(),
    };
    return { pushMs, applyMs, pendingBefore, rejected, logEntries: head - before, check };
  } finally {
    closeApp(a);
    closeApp(b);
  }
}

async function initial(m: Record<string, unknown>): Promise<Record<string, unknown>> {
  const relayUrl = String(m['relayUrl']);
  const head = Number(m['head']);
  const app = await openApp(relayUrl, String(m['email']));
  try {
    let pages = 0;
    app.store.onChange((c) => {
      if (c.reason === 'remote' && ++pages % 200 === 0)
        progress(`initial sync: cursor ${app.store.cursor()} of ${head}`);
    });
    // From login (HTTP, password check) to caught up: online with the cursor at the seeded head.
    const t = performance.now();
    await app.client.login(String(m['email']), String(m['password']), 'bench laptop');
    app.client.start();
    await until(() => online(app) && app.store.cursor() >= head, 900_000, 'the initial sync', 20);
    const seconds = (performance.now() - t) / 1000;
    // The search index of what the catch-up brought is built afterwards, in the background.
    await until(
      () => getMetaValue(app, 'searchBacklogFrom') === undefined,
      900_000,
      'the search backlog',
      20,
    );
    const searchReadySeconds = (performance.now() - t) / 1000;
    return {
      seconds,
      searchReadySeconds,
      conversations: count(app, 'conversation'),
      messages: count(app, 'message'),
      customers: count(app, 'customer'),
      maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
  } finally {
    closeApp(app);
  }
}

function getMetaValue(app: App, key: string): string | undefined {
  return (
    app.store.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined
  )?.value;
}

serve({ pushApply, initial });
