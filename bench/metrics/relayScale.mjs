// relay.single_*: the scale-out issue's load on one relay (SQLite, one process): 2,000 agents
// (200 teams of 10) on raw `ws` sync connections, new messages pushed so that the relay stores
// 4,000 changes per second, each delivered to the 10 agents of its team. Then the same load raised
// step by step until the p99 of push-to-receipt passes 100 ms: the highest stored-change rate
// that still met it. The cluster figures (three relays on PostgreSQL and NATS) come beside these
// once the relay serves on PostgreSQL.
import { rmSync } from 'node:fs';
import { bundleWorkers, forkWorker, log, round, startRelayProcess, tempDir } from '../lib/procs.mjs';

const TEAMS = 200;
const PER_TEAM = 10;
const TARGET_CHANGES_PER_S = 4_000;
const P99_BAR_MS = 100;
/** Stored changes per second tried for the maximum, in order; the search stops at the first miss. */
const STEPS = [2_000, 4_000, 6_000, 8_000, 10_000, 12_000, 16_000, 20_000];
const RUN = { warmupS: 2, measureS: 8, drainS: 5 };
const METRICS_TOKEN = 'bench-metrics-token-0123456789';

/** The relay's log position, from /metrics. */
async function logPosition(url) {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
  const m = /^relay_log_position (\d+)$/m.exec(await res.text());
  if (!m) throw new Error('/metrics has no relay_log_position');
  return Number(m[1]);
}

/** Waits until the relay's log stops growing (a run it fell behind in is still being stored), at most 60 s. */
async function settle(url) {
  const end = Date.now() + 60_000;
  let last = await logPosition(url);
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 1_000));
    const now = await logPosition(url);
    if (now === last) return now;
    last = now;
  }
  return last;
}

/**
 * One run at `pushesPerS`, from a settled relay. The stored-change rate is the pushes' rate times
 * the changes each stored (the log's growth over the pushes, once settled again).
 */
async function runAt(load, url, pushesPerS, run = RUN) {
  const before = await settle(url);
  const r = await load.call({ cmd: 'run', rate: pushesPerS, ...run });
  const stored = (await settle(url)) - before;
  const changesPerS = r.achievedRate * (stored / Math.max(1, r.pushes));
  const complete = r.deliveries >= r.expected && r.rejected === 0 && r.errors === 0;
  log(
    `relay: ${Math.round(r.achievedRate)} pushes/s → ${Math.round(changesPerS)} stored changes/s; ` +
      `${r.deliveries}/${r.expected} deliveries, p50 ${round(r.p50, 2)} ms, p99 ${round(r.p99, 2)} ms, ` +
      `max ${round(r.max, 1)} ms, ${r.rejected} rejected, ${r.errors} errors, load timer lag max ${round(r.maxTimerLagMs)} ms`,
  );
  return { ...r, stored, changesPerS, complete, perPush: stored / Math.max(1, r.pushes) };
}

/**
 * relay.single_fanout_p99_ms_2k: p99 of push-to-receipt over every recipient at 4,000 stored
 * changes/s. relay.single_max_changes_per_s: the highest stored-change rate of the steps whose p99
 * stayed at or under 100 ms with every delivery made (0 when even the first missed).
 */
export const relayScale = {
  names: ['relay.single_fanout_p99_ms_2k', 'relay.single_max_changes_per_s'],
  async run() {
    const w = await bundleWorkers();
    const dataDir = tempDir('sb-bench-scale-');
    const stops = [];
    try {
      const setup = forkWorker(w.fanoutSetup);
      stops.push(setup.stop);
      const { file } = await setup.call({
        cmd: 'setup',
        dataDir,
        teams: TEAMS,
        perTeam: PER_TEAM,
        conversations: 10,
      });
      const relay = await startRelayProcess(dataDir, ['--metrics-token', METRICS_TOKEN]);
      stops.push(relay.stop);
      const load = forkWorker(w.loadgen);
      stops.push(load.stop);
      const c = await load.call({ cmd: 'connect', url: relay.url.replace(/^http/, 'ws') + '/v1/sync', file });
      log(`relay: ${c.connected} live connections in ${Math.round(c.connectMs)} ms`);

      // How many changes one pushed message stores (the message, its conversation's update).
      const calibration = await runAt(load, relay.url, 200, { warmupS: 1, measureS: 2, drainS: 2 });
      const perPush = calibration.perPush;
      log(`relay: one pushed message stores ${round(perPush, 2)} changes`);

      const atTarget = await runAt(load, relay.url, Math.round(TARGET_CHANGES_PER_S / perPush));
      let max = 0;
      for (const changes of STEPS) {
        const r =
          changes === TARGET_CHANGES_PER_S
            ? atTarget
            : await runAt(load, relay.url, Math.round(changes / perPush));
        if (!r.complete || r.p99 > P99_BAR_MS) break;
        max = Math.max(max, r.changesPerS);
      }
      await load.call({ cmd: 'close' });
      return [
        { metric: 'relay.single_fanout_p99_ms_2k', value: round(atTarget.p99, 2), unit: 'ms' },
        { metric: 'relay.single_max_changes_per_s', value: Math.round(max), unit: 'changes/s' },
      ];
    } finally {
      for (const s of stops.reverse()) await s();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
