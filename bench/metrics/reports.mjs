import { execFileSync } from 'node:child_process';
import { bundleWorkers, log, round } from '../lib/procs.mjs';

/**
 * reports.month_200_agents_ms: a month of 200 agents' work (about 180,000 conversations), then
 * the relay's report by agent and day for the month, median of 5 answers (bench/workers/reportsMonth.ts).
 * Target: under 1,000 ms.
 */
export const reports = {
  names: ['reports.month_200_agents_ms'],
  async run() {
    const workers = await bundleWorkers();
    const out = JSON.parse(
      execFileSync(process.execPath, ['--max-old-space-size=2048', workers.reportsMonth], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    );
    log(
      `reports: ${out.conversations} conversations, ${out.rows} rows; median ${round(out.ms)} ms (cpu ${round(out.cpuMs)} ms), cold ${round(out.coldMs)} ms`,
    );
    return [{ metric: 'reports.month_200_agents_ms', value: round(out.ms), unit: 'ms' }];
  },
};
