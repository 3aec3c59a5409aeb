// relay.*: 1,000 agents (100 teams of 10) on raw `ws` sync connections, driven by a load
// generator in its own process, against the built relay in another process; then the same load
// against a bare `ws` server (the baseline), in the same run.
import { rmSync } from 'node:fs';
import { bundleWorkers, forkWorker, log, round, rssKb, startRelayProcess, tempDir } from '../lib/procs.mjs';

const TEAMS = 100;
const PER_TEAM = 10;
const LOAD = { rate: 2000, warmupS: 2, measureS: 12, drainS: 5 };

function describe(name, r) {
  log(
    `${name}: ${r.pushes} pushes (${Math.round(r.achievedRate)}/s), ${r.deliveries}/${r.expected} deliveries measured, ` +
      `p50 ${round(r.p50, 2)} ms, p99 ${round(r.p99, 2)} ms, max ${round(r.max, 1)} ms, ` +
      `${r.rejected} rejected, ${r.errors} errors, load timer lag max ${round(r.maxTimerLagMs)} ms`,
  );
  // Reported, not thrown: a relay that falls behind still gets its (bad) number.
  if (r.deliveries < r.expected || r.rejected > 0)
    log(
      `${name}: WARNING ${r.expected - r.deliveries} deliveries missing after the drain, ${r.rejected} rejected`,
    );
}

/**
 * relay.fanout_p99_ms: 2,000 new messages per second (each pushed by one of the team's agents,
 * stored durably, delivered to the 10 agents of its team, the sender included) for 12 s after
 * 2 s of warm-up; p99 of push-to-receipt over every recipient.
 * relay.fanout_baseline_p99_ms: the same through a bare `ws` server that stores and checks nothing.
 * relay.rss_per_connection_kb: relay RSS after the 1,000 connections are authenticated and live,
 * minus before, over 1,000.
 */
export const relayFanout = {
  names: ['relay.fanout_p99_ms', 'relay.fanout_baseline_p99_ms', 'relay.rss_per_connection_kb'],
  async run() {
    const w = await bundleWorkers();
    const dataDir = tempDir('sb-bench-fanout-');
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

      const relay = await startRelayProcess(dataDir);
      stops.push(relay.stop);
      const load = forkWorker(w.loadgen);
      stops.push(load.stop);
      await new Promise((r) => setTimeout(r, 500));
      const before = rssKb(relay.pid);
      const c = await load.call({ cmd: 'connect', url: relay.url.replace(/^http/, 'ws') + '/v1/sync', file });
      await new Promise((r) => setTimeout(r, 1000));
      const after = rssKb(relay.pid);
      log(
        `relay: ${c.connected} live connections in ${Math.round(c.connectMs)} ms; RSS ${before} → ${after} KiB`,
      );
      const relayRun = await load.call({ cmd: 'run', ...LOAD });
      describe('relay', relayRun);
      await load.call({ cmd: 'close' });
      await relay.stop();

      const bare = forkWorker(w.bareServer);
      stops.push(bare.stop);
      const { url } = await bare.call({ cmd: 'start' });
      await load.call({ cmd: 'connect', url, file, bare: true });
      const bareRun = await load.call({ cmd: 'run', ...LOAD });
      describe('baseline', bareRun);
      await load.call({ cmd: 'close' });

      return [
        { metric: 'relay.fanout_p99_ms', value: round(relayRun.p99, 2), unit: 'ms' },
        { metric: 'relay.fanout_baseline_p99_ms', value: round(bareRun.p99, 2), unit: 'ms' },
        { metric: 'relay.rss_per_connection_kb', value: round((after - before) / c.connected), unit: 'KB' },
      ];
    } finally {
      for (const s of stops.reverse()) await s();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
