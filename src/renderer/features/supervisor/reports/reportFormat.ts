import type { Figure, Report } from '../../../../shared/reports/figures';

/** Figures whose value is a duration in seconds (shown as h:mm:ss). */
const DURATIONS: ReadonlySet<Figure> = new Set([
  'avgFirstResponseSec',
  'avgHandleSec',
  'avgTalkSec',
  'avgHoldSec',
  'avgAfterCallSec',
  'avgResolutionSec',
]);
const PERCENTS: ReadonlySet<Figure> = new Set(['slaCompliancePct', 'serviceLevelPct']);

/** `1:05` for 65 s, `2:03:04` past an hour; `—` where nothing was measured. */
export function formatFigure(f: Figure, v: number | null, locale: string): string {
  if (v === null) return '—';
  if (DURATIONS.has(f)) {
    const s = Math.round(v);
    const two = (n: number) => String(n).padStart(2, '0');
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return h > 0 ? `${h}:${two(m)}:${two(s % 60)}` : `${m}:${two(s % 60)}`;
  }
  const n = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(v);
  return PERCENTS.has(f) ? `${n} %` : n;
}

/** A bucket's start as the viewer reads it in the report's zone: `Mar 8` or `Mar 8, 14:00`. */
export function bucketLabel(report: Pick<Report, 'tz' | 'bucket'>, startIso: string, locale: string): string {
  const opts: Intl.DateTimeFormatOptions =
    report.bucket === 'day'
      ? { timeZone: report.tz, month: 'short', day: 'numeric', weekday: 'short' }
      : {
          timeZone: report.tz,
          month: 'short',
          day: 'numeric',
          hour: '2-digit',
          minute: '2-digit',
          hourCycle: 'h23',
        };
  return new Intl.DateTimeFormat(locale, opts).format(new Date(startIso));
}

/** Today in `tz` as YYYY-MM-DD, and `days` before it. */
export function localToday(tz: string, now = Date.now()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(now));
}

/** The day `n` days after YYYY-MM-DD `day` (negative: before). */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}
