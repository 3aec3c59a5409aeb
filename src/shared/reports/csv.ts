import { FIGURES, figuresOf, type Report } from './figures';
import { localIso } from '../zonedTime';

/** The export's columns: who, when (the viewer's wall clock, with its offset), then every figure. */
export const REPORT_CSV_HEADER = ['group', 'group_name', 'bucket_start', 'bucket_end', ...FIGURES] as const;

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break. Text that a
 * spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading apostrophe: a
 * name is typed by people, and an export must not execute it.
 */
export function csvText(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const num = (v: number | null) => (v === null ? '' : String(v));

/**
 * A report as CSV: a UTF-8 BOM (so spreadsheets read Chinese names), a header, then one line per
 * group and bucket that has figures, CRLF line ends. Empty cells are figures nothing measured.
 */
export function reportCsv(report: Report): string {
  const names = new Map(report.groups.map((g) => [g.key, g.name]));
  const lines = [REPORT_CSV_HEADER.join(',')];
  const rows = [...report.rows].sort(
    (a, b) => a.bucket - b.bucket || (names.get(a.group) ?? '').localeCompare(names.get(b.group) ?? ''),
  );
  for (const r of rows) {
    const b = report.buckets[r.bucket];
    if (!b) continue;
    const f = figuresOf(r);
    lines.push(
      [
        csvText(r.group),
        csvText(names.get(r.group) ?? ''),
        localIso(Date.parse(b.start), report.tz),
        localIso(Date.parse(b.end), report.tz),
        ...FIGURES.map((k) => num(f[k])),
      ].join(','),
    );
  }
  return '\ufeff' + lines.join('\r\n') + '\r\n';
}
