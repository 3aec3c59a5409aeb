// The client against a scripted protocol peer (a fake relay on 127.0.0.1 that sends chosen
// frames); the real relay is exercised in tests/integration/store/sync.test.ts.
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ServerFrame } from '../../shared/sync/protocol';
import { createSilentLogger } from '../base/logger';
import { AGENT, DEVICE, change, customerData, openTestStore } from '../store/testHelpers';
import { fullJitterDelay } from './backoff';
import { SyncClient } from './syncClient';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function fakeRelay(onHello: (ws: WebSocket, n: number) => void) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong: false });
  await new Promise((r) => wss.once('listening', r));
  let connections = 0;
  wss.on('connection', (ws) => {
    const n = ++connections;
    ws.once('message', () => onHello(ws, n));
  });
  cleanups.push(() => new Promise((r) => wss.close(r)));
  return { url: `http://127.0.0.1:${(wss.address() as AddressInfo).port}`, connections: () => connections };
}

function client(url: string, extra: { onRevoked?: (r: string) => void } = {}) {
  const { store } = openTestStore();
  store.setSession(
    JSON.stringify({
      accessToken: 't',
      refreshToken: 'r',
      deviceId: DEVICE,
      accessExpiresAt: '2999-01-01T00:00:00Z',
    }),
  );
  const c = new SyncClient({
    relayUrl: url,
    store,
    log: createSilentLogger(),
    onRevoked: extra.onRevoked ?? (() => {}),
    backoffBaseMs: 5,
    backoffCapMs: 20,
    heartbeatMs: 30,
  });
  cleanups.push(
    () => c.dispose(),
    () => store.close(),
  );
  return { store, c };
}

const until = async (cond: () => boolean) => {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
};
const send = (ws: WebSocket, f: ServerFrame) => ws.send(JSON.stringify(f));
const welcome = (ws: WebSocket) =>
  send(ws, { t: 'welcome', agent: AGENT, deviceId: DEVICE, head: 0, resync: false });

describe('main/sync/syncClient', () => {
  it('backs off with full jitter under a cap', () => {
    expect(fullJitterDelay(0, 100, 1000, () => 0.999)).toBe(99);
    expect(fullJitterDelay(3, 100, 1000, () => 0.5)).toBe(400);
    expect(fullJitterDelay(40, 100, 1000, () => 0.999)).toBe(999);
    expect(fullJitterDelay(5, 100, 1000, () => 0)).toBe(0);
  });

  it('drops a silent socket and reconnects', async () => {
    // Answers hello, then never a pong nor a frame.
    const relay = await fakeRelay((ws) => welcome(ws));
    const { c } = client(relay.url);
    c.start();
    await until(() => relay.connections() >= 3);
    expect(['connecting', 'offline', 'syncing']).toContain(c.state().status);
  });

  it('shows snapshot progress, pushes the outbox in order and goes online', async () => {
    const pushed: string[][] = [];
    const relay = await fakeRelay((ws) => {
      welcome(ws);
      send(ws, { t: 'snapshotBegin', total: 2, head: 9 });
      const d = customerData('Snap');
      send(ws, { t: 'snapshot', changes: [change('customer', 'c1', d, {}, 1)], done: 1, total: 2 });
      send(ws, { t: 'snapshot', changes: [change('customer', 'c2', d, {}, 2)], done: 2, total: 2 });
      send(ws, { t: 'snapshotEnd', cursor: 9 });
      send(ws, { t: 'changes', changes: [], cursor: 9, more: false });
      ws.on('message', (raw) => {
        const f = JSON.parse(raw.toString()) as { t: string; batch: number; mutations: { id: string }[] };
        if (f.t !== 'push') return;
        pushed.push(f.mutations.map((m) => m.id));
        send(ws, {
          t: 'pushResult',
          batch: f.batch,
          results: f.mutations.map((m, i) => ({ id: m.id, status: 'applied', seq: 10 + i })),
        });
      });
    });
    const { store, c } = client(relay.url);
    const ids = [0, 1, 2].map(
      () => store.mutate('note.add', { id: store.newId(), conversationId: store.newId(), body: 'n' }).id,
    );
    const seen: string[] = [];
    c.onState((s) => seen.push(s.progress ? `${s.status}:${s.progress.done}/${s.progress.total}` : s.status));
    c.start();
    await until(() => c.state().status === 'online' && c.state().pending === 0);
    expect(seen).toContain('syncing:2/2');
    expect(pushed.flat()).toEqual(ids);
    expect(store.cursor()).toBe(9);
    expect(store.customers()).toHaveLength(2);
  });

  it('reports revocation (close 4410) and calls onRevoked once', async () => {
    const relay = await fakeRelay((ws) => ws.close(4410, 'Device revoked by an admin.'));
    let calls = 0;
    const { c } = client(relay.url, { onRevoked: () => void calls++ });
    c.start();
    await until(() => c.state().status === 'revoked' && calls === 1);
    expect(c.state().lastError?.message).toMatch(/revoked by an admin/);
    expect(relay.connections()).toBe(1);
  });
});
