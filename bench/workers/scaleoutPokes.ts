// scaleout.poke_*: how fast a commit on one relay process reaches another process on the same
// PostgreSQL database, poked over NATS or over LISTEN/NOTIFY, on loopback. One writer process (this
// one) commits a conversation and a message per transaction at a fixed rate; a follower process
// (this file forked with `follow`) hears pokes and reads the log (catch-up), stamping when each
// change arrived. Latency: commit returned in the writer → change read by the follower. Starts its
// own PostgreSQL and nats-server; prints one JSON object.
import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { connect } from 'nats';
import pg from 'pg';
import {
  createCatchUp,
  natsPokes,
  pgPokes,
  publishCommits,
  type PokeTransport,
} from '../../src/relay/data/postgres/notify';
import { createPgStore } from '../../src/relay/data/postgres/pgStore';
import type { Viewer } from '../../src/relay/data/visibility';
import { startNats } from '../../tests/support/nats';
import { startPostgres } from '../../tests/support/postgres';

const COMMITS_PER_S = Number(process.env.BENCH_POKE_RATE ?? 300);
const SECONDS = Number(process.env.BENCH_POKE_SECONDS ?? 5);
const ADMIN: Viewer = { agentId: 'bench', role: 'admin', teamIds: new Set() };
const SYSTEM = { mutationId: null, agentId: null };
const wall = () => performance.timeOrigin + performance.now();

type Kind = 'nats' | 'pg';

async function transportFor(kind: Kind, url: string, natsUrl: string, pool: pg.Pool): Promise<PokeTransport> {
  if (kind === 'pg') return pgPokes(pool, { connectionString: url });
  return natsPokes(await connect({ servers: natsUrl }));
}

/** The follower: reads the log on every poke and reports [seq, arrivedAt] pairs when told to stop. */
async function follow(kind: Kind, url: string, natsUrl: string): Promise<void> {
  const store = await createPgStore({ connectionString: url, now: Date.now, migrate: false, poolSize: 4 });
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const arrived: [number, number][] = [];
  const catchUp = createCatchUp({
    cursor: await store.head(),
    safetyPollMs: 1000,
    onError: (err) => process.stderr.write(`follower: ${String(err)}\n`),
    read: async (cursor) => {
      for (;;) {
        const page = await store.changesAfter(ADMIN, cursor, 1000);
        const at = wall();
        for (const c of page) arrived.push([c.seq, at]);
        cursor = page.at(-1)?.seq ?? cursor;
        if (page.length < 1000) return cursor;
      }
    },
  });
  const transport = await transportFor(kind, url, natsUrl, pool);
  await transport.subscribe(
    (p) => catchUp.poke(p.head),
    () => catchUp.poke(),
  );
  process.send!({ ready: true });
  process.on('message', (m: { head: number }) => {
    void (async () => {
      catchUp.poke(m.head);
      while (catchUp.cursor() < m.head) await new Promise((r) => setTimeout(r, 5));
      await catchUp.idle();
      process.send!({ arrived }, () => process.exit(0));
    })();
  });
}

/** The writer: commits at COMMITS_PER_S for SECONDS, publishing a poke after each commit. */
async function run(kind: Kind, url: string, natsUrl: string) {
  const child = fork(process.argv[1]!, ['follow', kind, url, natsUrl], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const messages: unknown[] = [];
  let wake: (() => void) | null = null;
  child.on('message', (m) => (messages.push(m), wake?.()));
  const next = async () => {
    while (messages.length === 0) await new Promise<void>((r) => (wake = r));
    return messages.shift() as Record<string, unknown>;
  };
  await next(); // ready
  const store = await createPgStore({ connectionString: url, now: Date.now, migrate: false, poolSize: 4 });
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const transport = await transportFor(kind, url, natsUrl, pool);
  const stop = publishCommits(store, transport, {
    origin: 'writer',
    scopeOf: (id) => store.scopeOf(id),
    onError: (err) => process.stderr.write(`publish: ${String(err)}\n`),
  });
  const committedAt = new Map<number, number>();
  const total = COMMITS_PER_S * SECONDS;
  const started = wall();
  let i = 0;
  const one = async (n: number) => {
    const id = `${kind}-${n}`;
    const seqs = await store.transaction(async (tx) => [
      await tx.put(
        {
          entity: 'conversation',
          id,
          data: { teamId: `t${n % 20}` },
          clocks: {},
          deleted: false,
          convId: id,
        },
        SYSTEM,
      ),
      await tx.put(
        { entity: 'message', id: `${id}-m`, data: {}, clocks: {}, deleted: false, convId: id },
        SYSTEM,
      ),
    ]);
    const at = wall();
    for (const s of seqs) committedAt.set(s, at);
  };
  const inFlight = new Set<Promise<void>>();
  while (i < total) {
    const due = Math.min(total, Math.floor(((wall() - started) / 1000) * COMMITS_PER_S));
    while (i < due) {
      const p = one(i++).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  await Promise.all(inFlight);
  const elapsed = (wall() - started) / 1000;
  child.send({ head: await store.head() });
  const { arrived } = (await next()) as { arrived: [number, number][] };
  stop();
  const lat = arrived
    .filter(([seq]) => committedAt.has(seq))
    .map(([seq, at]) => Math.max(0, at - committedAt.get(seq)!))
    .sort((a, b) => a - b);
  const pct = (q: number) => lat[Math.min(lat.length - 1, Math.floor(q * lat.length))] ?? NaN;
  await Promise.all([store.close(), pool.end()]);
  return { p50: pct(0.5), p99: pct(0.99), changes: lat.length, commitsPerS: total / elapsed };
}

/**
 * The cost of the commit-ordered log: transactions of two writes per second that three stores on
 * one database commit together, every one under the log lock (in this process, but the lock is in
 * PostgreSQL, so three processes would queue the same way).
 */
async function logThroughput(url: string): Promise<number> {
  const stores = await Promise.all(
    [0, 1, 2].map(() => createPgStore({ connectionString: url, now: Date.now, migrate: false, poolSize: 8 })),
  );
  const until = wall() + SECONDS * 1000;
  let commits = 0;
  const worker = async (store: (typeof stores)[number], w: number) => {
    for (let n = 0; wall() < until; n++) {
      const id = `tp-${w}-${n}`;
      await store.transaction(async (tx) => {
        await tx.put(
          {
            entity: 'conversation',
            id,
            data: { teamId: `t${n % 20}` },
            clocks: {},
            deleted: false,
            convId: id,
          },
          SYSTEM,
        );
        await tx.put(
          { entity: 'message', id: `${id}-m`, data: {}, clocks: {}, deleted: false, convId: id },
          SYSTEM,
        );
      });
      commits++;
    }
  };
  const started = wall();
  await Promise.all(stores.flatMap((s, i) => Array.from({ length: 8 }, (_, k) => worker(s, i * 8 + k))));
  const rate = commits / ((wall() - started) / 1000);
  await Promise.all(stores.map((s) => s.close()));
  return rate;
}

async function main() {
  if (process.argv[2] === 'follow')
    return follow(process.argv[3] as Kind, process.argv[4]!, process.argv[5]!);
  const [pgServer, natsServer] = await Promise.all([startPostgres(), startNats()]);
  try {
    const out: Record<string, unknown> = {};
    for (const kind of ['nats', 'pg'] as const) {
      const url = await pgServer.createDatabase();
      const setup = await createPgStore({ connectionString: url, now: Date.now });
      await setup.close();
      out[kind] = await run(kind, url, natsServer.url);
    }
    const url = await pgServer.createDatabase();
    const setup = await createPgStore({ connectionString: url, now: Date.now });
    await setup.close();
    out['logCommitsPerS'] = await logThroughput(url);
    process.stdout.write(JSON.stringify(out) + '\n');
  } finally {
    await Promise.all([pgServer.stop(), natsServer.stop()]);
  }
  process.exit(0);
}

void main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
