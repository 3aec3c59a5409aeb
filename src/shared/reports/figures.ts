import { z } from 'zod';
import { isTimeZone, type Bucket } from '../zonedTime';

// What a report is: the relay answers sums and counts per group and bucket (they add up across
// buckets and groups), and everyone derives averages and percentages from them the same way.

export const REPORT_GROUPS = ['agent', 'team', 'queue', 'channel'] as const;
export type ReportGroupBy = (typeof REPORT_GROUPS)[number];
export const REPORT_BUCKETS = ['hour', 'day'] as const satisfies readonly Bucket[];

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day, YYYY-MM-DD');

/** A report request: local days `from` (inclusive) to `to` (exclusive) in time zone `tz`. */
export const reportQuerySchema = z
  .object({
    from: day,
    to: day,
    tz: z.string().min(1).max(64).refine(isTimeZone, 'must be an IANA time zone such as Asia/Shanghai'),
    groupBy: z.enum(REPORT_GROUPS),
    bucket: z.enum(REPORT_BUCKETS),
  })
  .strict()
  .refine((q) => q.from < q.to, { message: 'to must be a later day than from', path: ['to'] });
export type ReportQuery = z.infer<typeof reportQuerySchema>;

/** Sums and counts of one group in one bucket (conversations counted in the bucket they began). */
export type ReportSums = {
  /** Conversations that began (calls, chats, mails, …). */
  volume: number;
  /** Conversations with a first agent response after the customer's first message, and the sum of those waits. */
  firstResponseCount: number;
  firstResponseMs: number;
  /** Answered calls, and their talk, hold and after-call work. */
  handledCalls: number;
  talkMs: number;
  holdMs: number;
  afterCallMs: number;
  /** Resolved conversations and the sum of their times from start to resolution. */
  resolvedCount: number;
  resolutionMs: number;
  /** Customer ratings (1–5) given and their sum. */
  csatCount: number;
  csatSum: number;
  /** Conversations whose SLA due time has passed or been answered: met, and breached. */
  slaMet: number;
  slaBreached: number;
  /** Calls the caller hung up on while waiting; chats the visitor left before any answer. */
  abandonedCalls: number;
  abandonedChats: number;
  /** Live conversations offered (calls, chats) and those answered within the service-level target. */
  serviceOffered: number;
  serviceWithin: number;
};

export const SUM_FIELDS = [
  'volume',
  'firstResponseCount',
  'firstResponseMs',
  'handledCalls',
  'talkMs',
  'holdMs',
  'afterCallMs',
  'resolvedCount',
  'resolutionMs',
  'csatCount',
  'csatSum',
  'slaMet',
  'slaBreached',
  'abandonedCalls',
  'abandonedChats',
  'serviceOffered',
  'serviceWithin',
] as const satisfies readonly (keyof ReportSums)[];

export type ReportRow = ReportSums & { group: string; bucket: number };

/** A report as the relay answers it. */
export type Report = ReportQuery & {
  /** When the relay computed it (ISO). */
  generatedAt: string;
  /** Bucket starts and ends, ISO instants; rows name a bucket by index. */
  buckets: { start: string; end: string }[];
  /** Every group that has a row, with a name to show ('' key: none, such as unassigned). */
  groups: { key: string; name: string }[];
  rows: ReportRow[];
  /** The targets the figures were measured against, in seconds, by channel. */
  targets: { serviceLevelSec: Record<string, number>; firstResponseSec: Record<string, number> };
  /** Figures this relay's data cannot give yet, each with why (shown beside the report). */
  notes: string[];
};

export function emptySums(): ReportSums {
  const s = {} as ReportSums;
  for (const f of SUM_FIELDS) s[f] = 0;
  return s;
}

/** Adds `b` into `a` (the sums of a range, or of all groups). */
export function addSums(a: ReportSums, b: ReportSums): ReportSums {
  for (const f of SUM_FIELDS) a[f] += b[f];
  return a;
}

/** What a person reads: averages in seconds, CSAT out of 5, percentages; null where nothing was measured. */
export type ReportFigures = {
  volume: number;
  avgFirstResponseSec: number | null;
  avgHandleSec: number | null;
  avgTalkSec: number | null;
  avgHoldSec: number | null;
  avgAfterCallSec: number | null;
  avgResolutionSec: number | null;
  csat: number | null;
  csatCount: number;
  slaCompliancePct: number | null;
  abandonedCalls: number;
  abandonedChats: number;
  serviceLevelPct: number | null;
};

export const FIGURES = [
  'volume',
  'avgFirstResponseSec',
  'avgHandleSec',
  'avgTalkSec',
  'avgHoldSec',
  'avgAfterCallSec',
  'avgResolutionSec',
  'csat',
  'csatCount',
  'slaCompliancePct',
  'abandonedCalls',
  'abandonedChats',
  'serviceLevelPct',
] as const satisfies readonly (keyof ReportFigures)[];
export type Figure = (typeof FIGURES)[number];

const avg = (sum: number, n: number, scale = 1) => (n > 0 ? round(sum / n / scale) : null);
const pct = (part: number, whole: number) => (whole > 0 ? round((100 * part) / whole) : null);
/** Two decimals: enough for seconds and percentages, and the same text wherever it is shown. */
const round = (x: number) => Math.round(x * 100) / 100;

export function figuresOf(s: ReportSums): ReportFigures {
  return {
    volume: s.volume,
    avgFirstResponseSec: avg(s.firstResponseMs, s.firstResponseCount, 1000),
    avgHandleSec: avg(s.talkMs + s.holdMs + s.afterCallMs, s.handledCalls, 1000),
    avgTalkSec: avg(s.talkMs, s.handledCalls, 1000),
    avgHoldSec: avg(s.holdMs, s.handledCalls, 1000),
    avgAfterCallSec: avg(s.afterCallMs, s.handledCalls, 1000),
    avgResolutionSec: avg(s.resolutionMs, s.resolvedCount, 1000),
    csat: avg(s.csatSum, s.csatCount),
    csatCount: s.csatCount,
    slaCompliancePct: pct(s.slaMet, s.slaMet + s.slaBreached),
    abandonedCalls: s.abandonedCalls,
    abandonedChats: s.abandonedChats,
    serviceLevelPct: pct(s.serviceWithin, s.serviceOffered),
  };
}

/** Each group's sums over the whole range, in the order of `report.groups`. */
export function totalsByGroup(
  report: Pick<Report, 'groups' | 'rows'>,
): { key: string; name: string; sums: ReportSums }[] {
  const by = new Map(report.groups.map((g) => [g.key, { ...g, sums: emptySums() }]));
  for (const r of report.rows) {
    const g = by.get(r.group);
    if (g) addSums(g.sums, r);
  }
  return [...by.values()];
}

/** Every group's sums together, bucket by bucket (what a chart of the whole scope draws). */
export function totalsByBucket(report: Pick<Report, 'buckets' | 'rows'>): ReportSums[] {
  const out = report.buckets.map(() => emptySums());
  for (const r of report.rows) {
    const b = out[r.bucket];
    if (b) addSums(b, r);
  }
  return out;
}
