// sync.*: real apps (encrypted cache + sync client, in a forked worker) against the built relay
// in its own process, on loopback.
import { rmSync } from 'node:fs';
import {
  bundleWorkers,
  forkWorker,
  log,
  relayCli,
  round,
  startRelayProcess,
  tempDir,
} from '../lib/procs.mjs';

async function withRelay(dataDir, fn) {
  const relay = await startRelayProcess(dataDir);
  try {
    return await fn(relay);
  } finally {
    await relay.stop();
  }
}

/**
 * sync.offline_push_10k_ms: app A, offline, holds 10,000 mixed mutations (50% message.send, 30%
 * note.add, 20% customer.update); time from start() (connect) until every one is acknowledged.
 * sync.remote_apply_10k_ms: app B (same team, offline meanwhile) then connects; time from
 * connect until caught up (online, cursor at the relay's head), every change applied in its
 * encrypted store.
 * sync.offline_push_baseline_10k_ms: the same 10,000 mutations moved by a bare loop (encrypted
 * outbox → same socket → SQLite with a log row, same durability at both ends, same batching), in
 * the same run; sync.offline_push_ratio is the first over this one, the figure to judge.
 */
export const syncPushApply = {
  names: [
    'sync.offline_push_10k_ms',
    'sync.remote_apply_10k_ms',
    'sync.offline_push_baseline_10k_ms',
    'sync.offline_push_ratio',
  ],
  async run() {
    const w = await bundleWorkers();
    const dataDir = tempDir('sb-bench-relay-');
    try {
      await relayCli(
        ['admin', 'create', '--data', dataDir, '--email', 'admin@bench.example'].concat([
          '--password',
          'admin-pass-1',
          '--name',
          'Bench Admin',
        ]),
      );
      const baselineMs = await barePush(w, 10_000);
      return await withRelay(dataDir, async (relay) => {
        const worker = forkWorker(w.syncApp);
        try {
          const r = await worker.call({
            cmd: 'pushApply',
            relayUrl: relay.url,
            adminEmail: 'admin@bench.example',
            adminPassword: 'admin-pass-1',
            mutations: 10_000,
          });
          log(
            `push/apply: ${r.pendingBefore} pending, ${r.rejected} rejected, ${r.logEntries} log entries; ` +
              `check ${JSON.stringify(r.check)}`,
          );
          if (r.rejected > 0 || !r.check.sameState) throw new Error('apps did not converge');
          return [
            { metric: 'sync.offline_push_10k_ms', value: round(r.pushMs), unit: 'ms' },
            { metric: 'sync.remote_apply_10k_ms', value: round(r.applyMs), unit: 'ms' },
            { metric: 'sync.offline_push_baseline_10k_ms', value: round(baselineMs), unit: 'ms' },
            { metric: 'sync.offline_push_ratio', value: round(r.pushMs / baselineMs, 2), unit: 'x' },
          ];
        } finally {
          await worker.stop();
        }
      });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};

/** The bare loop of sync.offline_push_baseline_10k_ms: server and client each in its own process. */
async function barePush(w, mutations) {
  const server = forkWorker(w.barePush);
  const client = forkWorker(w.barePush);
  try {
    const { url } = await server.call({ cmd: 'serve' });
    const { pushMs } = await client.call({ cmd: 'push', url, mutations });
    log(`push baseline: ${mutations} mutations in ${Math.round(pushMs)} ms`);
    return pushMs;
  } finally {
    await server.call({ cmd: 'stop' }).catch(() => undefined);
    await client.stop();
    await server.stop();
  }
}

/**
 * sync.initial_100k_s: 100,000 conversations (one team), 1,000,000 messages and 10,000 customers
 * on the relay; a fresh encrypted cache; time from login to caught up.
 */
export const syncInitial = {
  names: ['sync.initial_100k_s', 'sync.initial_100k_search_ready_s'],
  async run() {
    const w = await bundleWorkers();
    const dataDir = tempDir('sb-bench-relay-');
    try {
      const seeder = forkWorker(w.seedInitial);
      let seeded;
      try {
        seeded = await seeder.call({
          cmd: 'seed',
          dataDir,
          conversations: Number(process.env.BENCH_INITIAL_CONVERSATIONS ?? 100_000),
          messagesPer: 10,
          customers: 10_000,
        });
      } finally {
        await seeder.stop();
      }
      return await withRelay(dataDir, async (relay) => {
        const worker = forkWorker(w.syncApp, [], { execArgv: ['--max-old-space-size=2048'] });
        try {
          const r = await worker.call({ cmd: 'initial', relayUrl: relay.url, ...seeded });
          log(
            `initial: ${r.conversations} conversations, ${r.messages} messages, ${r.customers} customers; ` +
              `app max RSS ${r.maxRssMb} MB`,
          );
          return [
            { metric: 'sync.initial_100k_s', value: round(r.seconds, 2), unit: 's' },
            // Not a target of its own: when search also covers everything the catch-up brought.
            { metric: 'sync.initial_100k_search_ready_s', value: round(r.searchReadySeconds, 2), unit: 's' },
          ];
        } finally {
          await worker.stop();
        }
      });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
