import { describe, expect, it } from 'vitest';
import {
  addSample,
  currentMos,
  initialQuality,
  mosOf,
  rawSampleOf,
  resetBaseline,
  summarize,
  type RawSample,
} from './quality';

const good: RawSample = { rttMs: 20, jitterMs: 2, packetsReceived: 0, packetsLost: 0 };

/** Feeds samples with cumulative packet counters advancing by `received`/`lost` each second. */
function feed(samples: { rttMs?: number; jitterMs?: number; received?: number; lost?: number }[]) {
  let state = initialQuality();
  let rx = 0;
  let lost = 0;
  for (const s of samples) {
    rx += s.received ?? 50;
    lost += s.lost ?? 0;
    state = addSample(state, {
      rttMs: s.rttMs ?? good.rttMs,
      jitterMs: s.jitterMs ?? good.jitterMs,
      packetsReceived: rx,
      packetsLost: lost,
    });
  }
  return state;
}

describe('mosOf (Twilio E-model)', () => {
  it('gives about 4.43 on a perfect link, the ceiling of this model', () => {
    expect(mosOf(0, 0, 0)).toBeCloseTo(4.4334, 3);
  });
  it('uses the low-latency branch below 160 ms effective latency and the steep one above', () => {
    // 100 + 2·20 + 10 = 150 ms: R = 94.768 − 150/40 = 91.018.
    const r1 = 94.768 - 150 / 40;
    expect(mosOf(100, 20, 0)).toBeCloseTo(1 + 0.035 * r1 + 0.000007 * r1 * (r1 - 60) * (100 - r1), 6);
    // 400 + 2·30 + 10 = 470 ms: R = 94.768 − 35 = 59.768.
    const r2 = 94.768 - (470 - 120) / 10;
    expect(mosOf(400, 30, 0)).toBeCloseTo(1 + 0.035 * r2 + 0.000007 * r2 * (r2 - 60) * (100 - r2), 6);
    expect(mosOf(400, 30, 0)!).toBeLessThan(3.5);
  });
  it('takes 2.5 R per percent lost, floors R at 6.52 and zeroes it past R/2.5', () => {
    const r = 94.768 - 30 / 40 - 5 * 2.5;
    expect(mosOf(20, 0, 5)).toBeCloseTo(1 + 0.035 * r + 0.000007 * r * (r - 60) * (100 - r), 6);
    expect(mosOf(20, 0, 37)).toBeCloseTo(1 + 0.035 * 6.52 + 0.000007 * 6.52 * (6.52 - 60) * (100 - 6.52), 6);
    expect(mosOf(20, 0, 99)).toBe(1);
  });
  it('bottoms out at 1000 ms effective latency (R floored at 6.52) and is null on bad input', () => {
    expect(mosOf(990, 0, 0)).toBeCloseTo(1 + 0.035 * 6.52 + 0.000007 * 6.52 * (6.52 - 60) * (100 - 6.52), 6);
    expect(mosOf(null, 1, 0)).toBeNull();
    expect(mosOf(10, null, 0)).toBeNull();
    expect(mosOf(10, 1, null)).toBeNull();
    expect(mosOf(-1, 1, 0)).toBeNull();
    expect(mosOf(Number.NaN, 1, 0)).toBeNull();
  });
});

describe('rawSampleOf', () => {
  it('reads inbound audio jitter and counters, and RTT from RTCP before the candidate pair', () => {
    const report = [
      { type: 'inbound-rtp', kind: 'audio', jitter: 0.012, packetsReceived: 500, packetsLost: 3 },
      { type: 'inbound-rtp', kind: 'video', jitter: 0.5, packetsReceived: 9, packetsLost: 9 },
      { type: 'candidate-pair', state: 'succeeded', nominated: true, currentRoundTripTime: 0.05 },
      { type: 'remote-inbound-rtp', kind: 'audio', roundTripTime: 0.08 },
    ];
    const s = rawSampleOf(report);
    expect(s.rttMs).toBeCloseTo(80);
    expect(s.jitterMs).toBeCloseTo(12);
    expect(s).toMatchObject({ packetsReceived: 500, packetsLost: 3 });
    expect(rawSampleOf(report.slice(0, 3)).rttMs).toBeCloseTo(50);
    expect(rawSampleOf([])).toEqual({ rttMs: null, jitterMs: null, packetsReceived: 0, packetsLost: 0 });
  });
});

describe('addSample and warnings', () => {
  it('has no MOS on the first sample (loss needs two) and one from the second', () => {
    const one = addSample(initialQuality(), { ...good, packetsReceived: 50 });
    expect(currentMos(one)).toBeNull();
    const two = addSample(one, { ...good, packetsReceived: 100 });
    expect(currentMos(two)).toBeCloseTo(mosOf(20, 2, 0)!, 6);
    expect(two.active).toEqual([]);
  });
  it('measures loss per interval from cumulative counters', () => {
    const s = feed([{}, { received: 90, lost: 10 }]);
    expect(s.samples.at(-1)!.lossPct).toBeCloseTo(10);
  });
  it('raises a warning when 3 of the last 5 samples cross the threshold, and keeps it until none does', () => {
    const bad = { rttMs: 450 };
    expect(feed([bad, bad]).active).toEqual([]);
    const raised = feed([bad, bad, bad]);
    expect(raised.active).toContain('high-rtt');
    // Two good samples: 3 of 5 still high → stays raised.
    const still = feed([bad, bad, bad, {}, {}]);
    expect(still.active).toContain('high-rtt');
    // One high sample left in the window: neither raise nor clear, the warning stays.
    expect(feed([bad, bad, bad, {}, {}, {}, {}]).active).toContain('high-rtt');
    const cleared = feed([bad, bad, bad, {}, {}, {}, {}, {}]);
    expect(cleared.active).not.toContain('high-rtt');
    expect(cleared.ever).toContain('high-rtt');
  });
  it('raises high jitter above 30 ms, packet loss above 1 % and low MOS below 3.5', () => {
    expect(feed([{ jitterMs: 31 }, { jitterMs: 31 }, { jitterMs: 31 }]).active).toContain('high-jitter');
    expect(feed([{ jitterMs: 30 }, { jitterMs: 30 }, { jitterMs: 30 }]).active).toEqual([]);
    const lossy = feed([{}, { received: 95, lost: 5 }, { received: 95, lost: 5 }, { received: 95, lost: 5 }]);
    expect(lossy.active).toEqual(expect.arrayContaining(['high-packet-loss']));
    const slow = { rttMs: 390, jitterMs: 29 };
    const s = feed([slow, slow, slow, slow]);
    expect(s.active).toEqual(['low-mos']);
  });
});

describe('summarize', () => {
  it('is null without a MOS, else min/avg MOS rounded, sample count and every warning raised', () => {
    expect(summarize(initialQuality())).toBeNull();
    expect(summarize(feed([{}]))).toBeNull();
    const s = feed([{}, {}, { rttMs: 450 }, { rttMs: 450 }, { rttMs: 450 }, {}, {}, {}, {}, {}]);
    const sum = summarize(s)!;
    expect(sum.samples).toBe(9);
    expect(sum.mosMin).toBeCloseTo(mosOf(450, 2, 0)!, 2);
    expect(sum.mosAvg).toBeGreaterThan(sum.mosMin);
    expect(sum.warnings).toEqual(['high-rtt', 'low-mos']);
  });
  it('does not measure loss across a reset baseline', () => {
    const before = feed([{}, {}]);
    const after = addSample(resetBaseline(before), { ...good, packetsReceived: 10_000, packetsLost: 500 });
    expect(after.samples.at(-1)!.lossPct).toBeNull();
    expect(after.mosCount).toBe(before.mosCount);
  });
});
