import { execFileSync } from 'node:child_process';
import { bundleWorkers, log, round } from '../lib/procs.mjs';

/**
 * call.setup_p95_ms: INVITE sent → call established (200 OK, ICE gathering with no STUN, 500 ms
 * gathering timeout) between two Chromium pages through Debian's Kamailio on loopback, which
 * challenges the INVITE as a real proxy does (407, then the INVITE again with credentials); p95 of
 * 30 calls after one warm-up. Target: under 300 ms.
 */
export const callSetup = {
  names: ['call.setup_p95_ms'],
  async run() {
    const workers = await bundleWorkers();
    const out = JSON.parse(execFileSync(process.execPath, [workers.callSetup], { encoding: 'utf8' }));
    log(`call setup: ${out.calls} calls, p50 ${round(out.p50)} ms, p95 ${round(out.p95)} ms`);
    return [{ metric: 'call.setup_p95_ms', value: round(out.p95), unit: 'ms' }];
  },
};
