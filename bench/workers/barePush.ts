// Bench worker: the baseline of sync.offline_push_10k_ms. The same 10,000 mutations move from an
// outbox in an encrypted SQLite file (ChaCha20, WAL, synchronous=NORMAL, as the app's cache) over
// a `ws` socket on loopback to a server process that stores each one with a log row in SQLite
// (WAL, synchronous=FULL, one transaction per frame, as the relay) and acknowledges it; the client
// deletes acknowledged rows. Same batch size, byte budget and pipelining as the sync client; no
// validation, merge, visibility or fan-out. Commands: `serve` (the server, in its own process)
// and `push` (the client).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3-multiple-ciphers';
import { WebSocket, WebSocketServer } from 'ws';
import { HlcClock } from '../../src/shared/sync/hlc';
import { uuidv7 } from '../../src/shared/sync/ids';
import { serve, until } from './lib/ipc';

type Wire = { id: string; name: string; args: unknown; clock: string };

const BATCH = 500;
const MAX_BATCH_BYTES = 512 * 1024;
const PIPELINE = 2;
const BODIES = [
  'Hi, my order has not arrived yet. Could you check where it is?',
  '您好，我想查询一下我的订单物流状态，谢谢。',
  'Thanks for waiting: the parcel left the warehouse yesterday.',
  '退款已经处理，三到五个工作日到账。',
];

let server: { wss: WebSocketServer; db: Database.Database; dir: string } | null = null;

/** The server side: stores every pushed mutation and a log row in one transaction per frame. */
async function startServer(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-bare-relay-'));
  const db = new Database(join(dir, 'bare.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE mutations (id TEXT PRIMARY KEY, name TEXT NOT NULL, args TEXT NOT NULL, clock TEXT NOT NULL);
           CREATE TABLE log (seq INTEGER PRIMARY KEY, mutation_id TEXT NOT NULL, data TEXT NOT NULL);`);
  const insertMutation = db.prepare('INSERT INTO mutations (id, name, args, clock) VALUES (?, ?, ?, ?)');
  const insertLog = db.prepare('INSERT INTO log (mutation_id, data) VALUES (?, ?)');
  const store = db.transaction((ms: Wire[]) =>
    ms.map((m) => {
      const args = JSON.stringify(m.args);
      insertMutation.run(m.id, m.name, args, m.clock);
      return Number(insertLog.run(m.id, args).lastInsertRowid);
    }),
  );
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 1024 * 1024 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  wss.on('connection', (ws) => {
    ws.on('message', (raw) => {
      const f = JSON.parse(raw.toString()) as { batch: number; mutations: Wire[] };
      const seqs = store(f.mutations);
      const results = f.mutations.map((m, i) => ({ id: m.id, status: 'applied', seq: seqs[i] }));
      ws.send(JSON.stringify({ t: 'pushResult', batch: f.batch, results }));
    });
  });
  server = { wss, db, dir };
  return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`, pid: process.pid };
}

/** The client side: fills an encrypted outbox offline (untimed), then times connect → all acknowledged. */
async function push(m: Record<string, unknown>): Promise<Record<string, unknown>> {
  const n = Number(m['mutations'] ?? 10_000);
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-bare-app-'));
  const db = new Database(join(dir, 'cache.db'));
  try {
    db.pragma(`cipher='chacha20'`);
    db.pragma(`key="x'${randomBytes(32).toString('hex')}'"`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(`CREATE TABLE outbox (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, name TEXT NOT NULL,
             args TEXT NOT NULL, clock TEXT NOT NULL)`);
    const clock = new HlcClock('bench-bare');
    const conversations = Array.from({ length: 50 }, () => uuidv7());
    const customers = Array.from({ length: 20 }, () => uuidv7());
    const insert = db.prepare('INSERT INTO outbox (id, name, args, clock) VALUES (?, ?, ?, ?)');
    // The bench's mix: 50% replies, 30% notes, 20% profile edits; one transaction per mutation, as the app.
    for (let i = 0; i < n; i++) {
      const r = i % 10;
      const conversationId = conversations[i % conversations.length]!;
      const [name, args] =
        r < 5
          ? ['message.send', { id: uuidv7(), conversationId, body: `${BODIES[i % 4]} (${i})` }]
          : r < 8
            ? ['note.add', { id: uuidv7(), conversationId, body: `Note ${i}: call back` }]
            : [
                'customer.update',
                {
                  id: customers[i % customers.length]!,
                  fields: i % 2 ? { company: `Harbour ${i}` } : { address: `${i} Oak Avenue` },
                },
              ];
      db.transaction(() => insert.run(uuidv7(), name, JSON.stringify(args), clock.now()))();
    }

    const pending = db.prepare(
      'SELECT seq, id, name, args, clock FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?',
    );
    const remove = db.prepare('DELETE FROM outbox WHERE id = ?');
    const ack = db.transaction((ids: string[]) => ids.forEach((id) => remove.run(id)));
    const left = db.prepare('SELECT count(*) AS n FROM outbox').pluck();

    const t = performance.now();
    const ws = new WebSocket(String(m['url']));
    await new Promise<void>((res, rej) => (ws.once('open', () => res()), ws.once('error', rej)));
    const inflight: { batch: number; ids: string[] }[] = [];
    let lastSeq = 0;
    let batchNo = 0;
    const pump = () => {
      while (inflight.length < PIPELINE) {
        const rows = pending.all(lastSeq, BATCH) as {
          seq: number;
          id: string;
          name: string;
          args: string;
          clock: string;
        }[];
        if (rows.length === 0) return;
        const mutations: Wire[] = [];
        let bytes = 0;
        for (const row of rows) {
          const w = { id: row.id, name: row.name, args: JSON.parse(row.args) as unknown, clock: row.clock };
          bytes += JSON.stringify(w).length;
          if (mutations.length > 0 && bytes > MAX_BATCH_BYTES) break;
          mutations.push(w);
          lastSeq = row.seq;
        }
        const batch = { batch: ++batchNo, ids: mutations.map((x) => x.id) };
        inflight.push(batch);
        ws.send(JSON.stringify({ t: 'push', batch: batch.batch, mutations }));
      }
    };
    ws.on('message', (raw) => {
      const f = JSON.parse(raw.toString()) as { batch: number; results: { id: string }[] };
      const done = inflight.shift();
      if (!done || done.batch !== f.batch) throw new Error('answers out of order');
      ack(f.results.map((r) => r.id));
      pump();
    });
    pump();
    await until(() => left.get() === 0, 300_000, 'the bare outbox to drain', 1);
    const pushMs = performance.now() - t;
    ws.close();
    return { pushMs };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function stop(): Promise<Record<string, unknown>> {
  if (server) {
    server.wss.close();
    server.db.close();
    rmSync(server.dir, { recursive: true, force: true });
    server = null;
  }
  return {};
}

serve({ serve: startServer, push, stop });
