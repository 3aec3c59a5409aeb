import { rmSync } from 'node:fs';
import { bundleWorkers, forkWorker, log, round, startRelayProcess, tempDir } from '../lib/procs.mjs';

const TEAMS = 10;
const PER_TEAM = 20;
const SAMPLES = 200;
const CHURN_PER_S = 10;

/**
 * supervisor.wallboard_update_p95_ms: 200 agents (10 teams of 20, two open chats each, five
 * customers waiting per team) live on a relay process, one supervisor of every team watching the
 * board; p95 over 200 status changes made on one agent's socket until the supervisor's socket
 * holds a board showing it, while other agents change status 10 times a second around it. The
 * board is the whole pushed frame, parsed, as the app receives it (drawing it is the renderer's).
 */
export const wallboard = {
  names: ['supervisor.wallboard_update_p95_ms'],
  async run() {
    const w = await bundleWorkers();
    const dataDir = tempDir('sb-bench-wallboard-');
    const stops = [];
    try {
      const worker = forkWorker(w.wallboard);
      stops.push(worker.stop);
      const { file } = await worker.call({ cmd: 'setup', dataDir, teams: TEAMS, perTeam: PER_TEAM });
      const relay = await startRelayProcess(dataDir);
      stops.push(relay.stop);
      const url = relay.url.replace(/^http/, 'ws') + '/v1/sync';
      const r = await worker.call({ cmd: 'run', file, url, samples: SAMPLES, churnPerS: CHURN_PER_S });
      log(
        `wallboard: ${r.samples} changes, p50 ${round(r.p50, 2)} ms, p95 ${round(r.p95, 2)} ms, max ${round(r.max, 1)} ms; ` +
          `${r.boards} boards pushed meanwhile, ${Math.round(r.boardBytes / 1024)} KiB each`,
      );
      return [{ metric: 'supervisor.wallboard_update_p95_ms', value: round(r.p95, 2), unit: 'ms' }];
    } finally {
      for (const s of stops.reverse()) await s();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
