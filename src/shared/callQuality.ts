/** Call-quality warnings, named as Twilio's Voice SDK names them. */
export const QUALITY_WARNINGS = ['high-rtt', 'high-jitter', 'high-packet-loss', 'low-mos'] as const;
export type QualityWarning = (typeof QUALITY_WARNINGS)[number];

/** The quality summary kept on a call record: MOS over the call and every warning raised. */
export type CallQualitySummary = {
  /** Lowest and mean estimated MOS (1–5) over the samples taken while the call was live. */
  mosMin: number;
  mosAvg: number;
  /** How many one-second samples produced a MOS. */
  samples: number;
  /** Warnings raised at any time during the call, in QUALITY_WARNINGS order. */
  warnings: QualityWarning[];
};
