// Bench worker: the baseline of relay.fanout_*: a bare `ws` server that stores and checks
// nothing. It answers hello, and forwards each pushed message as a `changes` frame to the
// connections of the pusher's team (`?team=<n>` in the URL) and a `pushResult` to the pusher.
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { serve } from './lib/ipc';

type PushFrame = {
  t: 'push';
  batch: number;
  mutations: {
    id: string;
    name: string;
    args: { id: string; conversationId: string; body: string };
    clock: string;
  }[];
};

async function start(): Promise<Record<string, unknown>> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 1024 * 1024 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const teams = new Map<string, Set<WebSocket>>();
  let seq = 0;
  wss.on('connection', (ws, req) => {
    const team = new URL(req.url ?? '/', 'http://x').searchParams.get('team') ?? '';
    let members = teams.get(team);
    if (!members) teams.set(team, (members = new Set()));
    members.add(ws);
    ws.on('close', () => members.delete(ws));
    ws.on('message', (raw) => {
      const f = JSON.parse(raw.toString()) as {
        t: string;
        batch?: number;
        mutations?: PushFrame['mutations'];
      };
      if (f.t === 'hello') {
        ws.send(JSON.stringify({ t: 'welcome', head: seq }));
        ws.send(JSON.stringify({ t: 'changes', changes: [], cursor: seq, more: false }));
        return;
      }
      if (f.t !== 'push' || !f.mutations) return;
      const now = new Date().toISOString();
      const changes = f.mutations.map((m) => ({
        seq: ++seq,
        entity: 'message',
        id: m.args.id,
        data: { conversationId: m.args.conversationId, direction: 'out', body: m.args.body, createdAt: now },
        clocks: {},
        deleted: false,
      }));
      const frame = JSON.stringify({ t: 'changes', changes, cursor: seq, more: false });
      for (const c of members) c.send(frame);
      const results = f.mutations.map((m, i) => ({ id: m.id, status: 'applied', seq: changes[i]!.seq }));
      ws.send(JSON.stringify({ t: 'pushResult', batch: f.batch, results }));
    });
  });
  return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/v1/sync`, pid: process.pid };
}

serve({ start });
