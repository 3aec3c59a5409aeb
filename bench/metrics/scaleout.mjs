import { execFileSync } from 'node:child_process';
import { bundleWorkers } from '../lib/procs.mjs';

/**
 * scaleout.poke_*: commit on one relay process → change read from the PostgreSQL log by another,
 * poked over NATS or LISTEN/NOTIFY, on loopback at one fixed rate; and how many transactions the
 * commit-ordered log takes per second (see bench/workers/scaleoutPokes.ts).
 */
export const scaleout = {
  names: [
    'scaleout.poke_nats_p50_ms',
    'scaleout.poke_nats_p99_ms',
    'scaleout.poke_pgnotify_p50_ms',
    'scaleout.poke_pgnotify_p99_ms',
    'scaleout.pg_log_commits_per_s',
  ],
  async run() {
    const workers = await bundleWorkers();
    const out = JSON.parse(execFileSync(process.execPath, [workers.scaleoutPokes], { encoding: 'utf8' }));
    const ms = (v) => Math.round(v * 10) / 10;
    return [
      { metric: 'scaleout.poke_nats_p50_ms', value: ms(out.nats.p50), unit: 'ms' },
      { metric: 'scaleout.poke_nats_p99_ms', value: ms(out.nats.p99), unit: 'ms' },
      { metric: 'scaleout.poke_pgnotify_p50_ms', value: ms(out.pg.p50), unit: 'ms' },
      { metric: 'scaleout.poke_pgnotify_p99_ms', value: ms(out.pg.p99), unit: 'ms' },
      // Transactions of two writes, three stores at once, all under the log lock.
      { metric: 'scaleout.pg_log_commits_per_s', value: Math.round(out.logCommitsPerS), unit: 'commits/s' },
    ];
  },
};
