// Bench worker: the load generator of relay.fanout_*, in its own process. Holds one raw `ws`
// sync connection per agent (hello with its access token, then live changes), and pushes new
// messages at a fixed rate, round-robin over agents and teams; records, for every recipient,
// the time from push to receipt of the change.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { HlcClock } from '../../src/shared/sync/hlc';
import { uuidv7 } from '../../src/shared/sync/ids';
import { SYNC_PROTOCOL_VERSION, type ServerFrame } from '../../src/shared/sync/protocol';
import { progress, serve, sleep, until } from './lib/ipc';

type Directory = {
  head: number;
  teams: { conversations: string[]; agents: { id: string; token: string }[] }[];
};
type Client = { ws: WebSocket; team: number; clock: HlcClock; live: boolean; batch: number };

let dir: Directory;
let clients: Client[][] = [];
const sent = new Map<string, { at: number; measured: boolean }>();
let samples: number[] = [];
let deliveries = 0;
let rejected = 0;
let errors = 0;

function onFrame(c: Client, raw: WebSocket.RawData): void {
  const f = JSON.parse(raw.toString()) as ServerFrame;
  if (f.t === 'changes') {
    c.live = true;
    const now = performance.now();
    for (const ch of f.changes) {
      if (ch.entity !== 'message') continue;
      const s = sent.get(ch.id);
      if (!s?.measured) continue;
      samples.push(now - s.at);
      deliveries++;
    }
  } else if (f.t === 'pushResult') {
    for (const r of f.results) if (r.status === 'rejected') rejected++;
  } else if (f.t === 'error') {
    if (++errors <= 5) progress(`loadgen: relay error ${f.code}: ${f.message}`);
  }
}

async function connect(m: Record<string, unknown>): Promise<Record<string, unknown>> {
  dir = JSON.parse(readFileSync(String(m['file']), 'utf8')) as Directory;
  const url = String(m['url']);
  const bare = m['bare'] === true;
  clients = dir.teams.map((team, t) =>
    team.agents.map((a, i) => ({
      ws: null as unknown as WebSocket,
      team: t,
      clock: new HlcClock(`bench-${t}-${i}`),
      live: false,
      batch: 0,
      token: a.token,
    })),
  );
  const all = clients.flat();
  const t0 = performance.now();
  // 100 handshakes at a time, as a relay sees after a restart, not 1,000 in one burst.
  for (let i = 0; i < all.length; i += 100) {
    const chunk = all.slice(i, i + 100);
    await Promise.all(
      chunk.map(
        (c) =>
          new Promise<void>((resolve, reject) => {
            const ws = new WebSocket(bare ? `${url}?team=${c.team}` : url);
            c.ws = ws;
            ws.on('open', () => {
              const token = (c as unknown as { token: string }).token;
              ws.send(
                JSON.stringify({
                  t: 'hello',
                  protocol: SYNC_PROTOCOL_VERSION,
                  accessToken: token,
                  cursor: dir.head,
                }),
              );
            });
            ws.on('message', (raw) => {
              onFrame(c, raw);
              if (c.live) resolve();
            });
            ws.on('error', reject);
            ws.on('close', (code) => {
              if (!c.live) reject(new Error(`closed before live: ${code}`));
            });
          }),
      ),
    );
  }
  return { connected: all.length, connectMs: performance.now() - t0 };
}

async function run(m: Record<string, unknown>): Promise<Record<string, unknown>> {
  const rate = Number(m['rate']);
  const [warmupMs, measureMs, drainMs] = [
    Number(m['warmupS']) * 1000,
    Number(m['measureS']) * 1000,
    Number(m['drainS']) * 1000,
  ];
  const teams = clients.length;
  const perTeam = clients[0]!.length;
  samples = [];
  deliveries = 0;
  rejected = 0;
  let k = 0;
  let measuredPushes = 0;
  const body = 'Thanks for waiting: your parcel left the warehouse and should arrive within two days.';
  const start = performance.now();
  let maxLagMs = 0;
  let lastTick = start;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      maxLagMs = Math.max(maxLagMs, now - lastTick - 5);
      lastTick = now;
      const elapsed = now - start;
      if (elapsed >= warmupMs + measureMs) {
        clearInterval(timer);
        return resolve();
      }
      const due = Math.floor((elapsed / 1000) * rate);
      const measured = elapsed >= warmupMs;
      for (; k < due; k++) {
        const t = k % teams;
        const c = clients[t]![Math.floor(k / teams) % perTeam]!;
        const convs = dir.teams[t]!.conversations;
        const id = uuidv7();
        const frame = {
          t: 'push',
          batch: ++c.batch,
          mutations: [
            {
              id: uuidv7(),
              name: 'message.send',
              args: { id, conversationId: convs[k % convs.length]!, body },
              clock: c.clock.now(),
            },
          ],
        };
        sent.set(id, { at: performance.now(), measured });
        if (measured) measuredPushes++;
        c.ws.send(JSON.stringify(frame));
      }
    }, 5);
  });
  const expected = measuredPushes * perTeam;
  await until(() => deliveries >= expected, drainMs, 'deliveries', 20).catch(() => undefined);
  sent.clear();
  const sorted = Float64Array.from(samples).sort();
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
  return {
    pushes: k,
    measuredPushes,
    achievedRate: k / ((warmupMs + measureMs) / 1000),
    expected,
    deliveries,
    rejected,
    errors,
    maxTimerLagMs: maxLagMs,
    p50: q(0.5),
    p99: q(0.99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

async function close(): Promise<Record<string, unknown>> {
  for (const c of clients.flat()) c.ws.close();
  await sleep(200);
  clients = [];
  return {};
}

serve({ connect, run, close });
