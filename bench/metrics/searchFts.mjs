import { execFileSync } from 'node:child_process';
import { bundleWorkers, log } from '../lib/procs.mjs';

/** search.fts_1m_p95_ms: offline full-text search over 1,000,000 messages in English and Chinese (bench/workers/searchFts.ts). */
export const searchFts = {
  names: ['search.fts_1m_p95_ms'],
  async run() {
    const workers = await bundleWorkers();
    const out = JSON.parse(
      execFileSync(process.execPath, ['--max-old-space-size=2048', workers.searchFts], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    );
    log(`fts: ${out.queries} queries over ${out.messages} messages, p50 ${out.p50.toFixed(2)} ms`);
    return [{ metric: 'search.fts_1m_p95_ms', value: Math.round(out.p95 * 100) / 100, unit: 'ms' }];
  },
};
