import { execFileSync } from 'node:child_process';
import { bundleWorkers, log, round } from '../lib/procs.mjs';

/**
 * voice.queue_to_ring_p95_ms: a call reaches Kamailio's queue → the agent the relay chose has the
 * INVITE (loopback, relay deciding over evapi), p95 of 40 calls. Target: under 150 ms.
 * voice.calls_per_s: calls answered and hung up through one Kamailio and one relay, 10 at a time,
 * none lost and none ringing two phones. Target: at least 50.
 */
export const voiceQueue = {
  names: ['voice.queue_to_ring_p95_ms', 'voice.calls_per_s'],
  async run() {
    const workers = await bundleWorkers();
    const out = JSON.parse(execFileSync(process.execPath, [workers.voiceQueue], { encoding: 'utf8' }));
    log(
      `voice queue: ring p50 ${round(out.p50)} ms, p95 ${round(out.p95)} ms; ${out.calls} calls at ${round(out.perSecond)}/s, lost ${out.lost}, doubled ${out.doubled}`,
    );
    if (out.lost || out.doubled) throw new Error(`${out.lost} calls lost and ${out.doubled} rang twice`);
    return [
      { metric: 'voice.queue_to_ring_p95_ms', value: round(out.p95), unit: 'ms' },
      { metric: 'voice.calls_per_s', value: round(out.perSecond), unit: 'calls/s' },
    ];
  },
};
