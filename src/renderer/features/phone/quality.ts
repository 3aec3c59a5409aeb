import { QUALITY_WARNINGS, type CallQualitySummary, type QualityWarning } from '../../../shared/callQuality';

/**
 * Call quality the way Twilio's Voice SDK estimates it: one sample of getStats a second, MOS from
 * an E-model R-factor of RTT, jitter and packet loss, and warnings raised when a metric crosses its
 * threshold in 3 of the last 5 samples and cleared when none of them does. Pure: no timers, no DOM.
 */

/** Twilio's default thresholds. */
export const QUALITY_THRESHOLDS = {
  rttMaxMs: 400,
  jitterMaxMs: 30,
  /** Percent of the packets expected since the previous sample. */
  lossMaxPct: 1,
  mosMin: 3.5,
} as const;
const SAMPLE_COUNT_METRICS = 5;
const SAMPLE_COUNT_RAISE = 3;
const SAMPLE_COUNT_CLEAR = 0;
const R0 = 94.768;

/** What one getStats report gives for the call's audio. */
export type RawSample = {
  rttMs: number | null;
  jitterMs: number | null;
  packetsReceived: number;
  packetsLost: number;
};

/** One evaluated sample. `mos` is null until loss can be measured (the second sample on). */
export type QualitySample = RawSample & { lossPct: number | null; mos: number | null };

export type QualityState = {
  /** The last SAMPLE_COUNT_METRICS samples, oldest first. */
  samples: QualitySample[];
  /** Warnings raised now. */
  active: QualityWarning[];
  /** Warnings raised at any time. */
  ever: QualityWarning[];
  mosMin: number | null;
  mosSum: number;
  mosCount: number;
};

export const initialQuality = (): QualityState => ({
  samples: [],
  active: [],
  ever: [],
  mosMin: null,
  mosSum: 0,
  mosCount: 0,
});

const ok = (n: number | null): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0;

/**
 * Twilio's MOS: effective latency = RTT + 2·jitter + 10 ms; R = 94.768 − latency/40 below 160 ms,
 * else R = 94.768 − (latency − 120)/10 (0 from 1000 ms); minus 2.5 per percent lost (floor 6.52,
 * 0 when loss exceeds R/2.5); MOS = 1 + 0.035·R + 7·10⁻⁶·R·(R − 60)·(100 − R). Null on bad input.
 */
export function mosOf(rttMs: number | null, jitterMs: number | null, lossPct: number | null): number | null {
  if (!ok(rttMs) || !ok(jitterMs) || !ok(lossPct)) return null;
  const latency = rttMs + jitterMs * 2 + 10;
  let r = 0;
  if (latency < 160) r = R0 - latency / 40;
  else if (latency < 1000) r = R0 - (latency - 120) / 10;
  r = lossPct <= r / 2.5 ? Math.max(r - lossPct * 2.5, 6.52) : 0;
  return 1 + 0.035 * r + 0.000007 * r * (r - 60) * (100 - r);
}

export type StatLike = {
  type: string;
  kind?: string;
  mediaType?: string;
  roundTripTime?: number;
  currentRoundTripTime?: number;
  jitter?: number;
  packetsReceived?: number;
  packetsLost?: number;
  state?: string;
  nominated?: boolean;
  selected?: boolean;
};

/**
 * The audio metrics of a getStats report: jitter and packet counts of the inbound audio, RTT from
 * the RTCP remote-inbound report or, before one arrives, from the selected ICE candidate pair.
 */
export function rawSampleOf(reports: Iterable<StatLike>): RawSample {
  let rtcpRtt: number | null = null;
  let pairRtt: number | null = null;
  let jitterMs: number | null = null;
  let packetsReceived = 0;
  let packetsLost = 0;
  for (const r of reports) {
    const audio = (r.kind ?? r.mediaType) === 'audio';
    if (r.type === 'inbound-rtp' && audio) {
      if (typeof r.jitter === 'number') jitterMs = Math.max(jitterMs ?? 0, r.jitter * 1000);
      packetsReceived += r.packetsReceived ?? 0;
      packetsLost += Math.max(0, r.packetsLost ?? 0);
    } else if (r.type === 'remote-inbound-rtp' && audio && typeof r.roundTripTime === 'number') {
      rtcpRtt = r.roundTripTime * 1000;
    } else if (
      r.type === 'candidate-pair' &&
      r.state === 'succeeded' &&
      (r.nominated || r.selected) &&
      typeof r.currentRoundTripTime === 'number'
    ) {
      pairRtt = r.currentRoundTripTime * 1000;
    }
  }
  return { rttMs: rtcpRtt ?? pairRtt, jitterMs, packetsReceived, packetsLost };
}

function exceeds(s: QualitySample, w: QualityWarning): boolean {
  switch (w) {
    case 'high-rtt':
      return s.rttMs !== null && s.rttMs > QUALITY_THRESHOLDS.rttMaxMs;
    case 'high-jitter':
      return s.jitterMs !== null && s.jitterMs > QUALITY_THRESHOLDS.jitterMaxMs;
    case 'high-packet-loss':
      return s.lossPct !== null && s.lossPct > QUALITY_THRESHOLDS.lossMaxPct;
    case 'low-mos':
      return s.mos !== null && s.mos < QUALITY_THRESHOLDS.mosMin;
  }
}

/** Adds one sample. Loss is measured against the previous sample (counters are cumulative). */
export function addSample(state: QualityState, raw: RawSample): QualityState {
  const prev = state.samples.at(-1);
  let lossPct: number | null = null;
  if (prev) {
    const lost = Math.max(0, raw.packetsLost - prev.packetsLost);
    const expected = Math.max(0, raw.packetsReceived - prev.packetsReceived) + lost;
    lossPct = lost > 0 && expected > 0 ? (lost / expected) * 100 : 0;
  }
  const mos = mosOf(raw.rttMs, raw.jitterMs, lossPct);
  const samples = [...state.samples, { ...raw, lossPct, mos }].slice(-SAMPLE_COUNT_METRICS);
  const active = QUALITY_WARNINGS.filter((w) => {
    const count = samples.filter((s) => exceeds(s, w)).length;
    if (count >= SAMPLE_COUNT_RAISE) return true;
    if (count <= SAMPLE_COUNT_CLEAR) return false;
    return state.active.includes(w);
  });
  const ever = QUALITY_WARNINGS.filter((w) => state.ever.includes(w) || active.includes(w));
  return {
    samples,
    active,
    ever,
    mosMin: mos === null ? state.mosMin : Math.min(state.mosMin ?? mos, mos),
    mosSum: state.mosSum + (mos ?? 0),
    mosCount: state.mosCount + (mos === null ? 0 : 1),
  };
}

/** Forgets the last sample (after hold, say), so loss is not measured across a gap. */
export function resetBaseline(state: QualityState): QualityState {
  return { ...state, samples: [] };
}

/** The latest MOS, if any. */
export function currentMos(state: QualityState): number | null {
  return state.samples.at(-1)?.mos ?? null;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** What the call record keeps; null when no sample produced a MOS. */
export function summarize(state: QualityState): CallQualitySummary | null {
  if (state.mosCount === 0 || state.mosMin === null) return null;
  return {
    mosMin: round2(state.mosMin),
    mosAvg: round2(state.mosSum / state.mosCount),
    samples: state.mosCount,
    warnings: [...state.ever],
  };
}
