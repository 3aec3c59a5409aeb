// Local days and hours of an IANA time zone as UTC instants, DST-correct, with nothing but Intl
// (full ICU in Node and Chromium): a report's buckets begin where the viewer's clock turns over,
// SLA business time and a call queue's opening hours read the team's wall clock from here too.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether `tz` names a time zone this runtime knows (IANA names such as Asia/Shanghai, or UTC). */
export function isTimeZone(tz: string): boolean {
  if (tz.length === 0 || tz.length > 64) return false;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

export type LocalParts = {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
};

/** The wall-clock reading of instant `ms` in `tz`. */
export function localParts(ms: number, tz: string): LocalParts {
  const p: Record<string, number> = {};
  for (const part of formatter(tz).formatToParts(new Date(ms)))
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  return {
    year: p['year']!,
    month: p['month']!,
    day: p['day']!,
    hour: p['hour']! % 24,
    minute: p['minute']!,
    second: p['second']!,
  };
}

/** The zone's offset from UTC at instant `ms`, in ms (Shanghai +8 h: 28,800,000). */
export function offsetAt(ms: number, tz: string): number {
  const p = localParts(ms, tz);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * The first instant of local day `day` (YYYY-MM-DD) in `tz`. Where midnight is skipped by a DST
 * change (some zones change at 00:00), the day starts at the first instant that exists.
 */
export function startOfLocalDay(day: string, tz: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) throw new RangeError(`"${day}" is not a day (YYYY-MM-DD)`);
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Two passes settle the offset on either side of a change; a skipped midnight lands later.
  let t = wall - offsetAt(wall, tz);
  t = wall - offsetAt(t, tz);
  const p = localParts(t, tz);
  if (Date.UTC(p.year, p.month - 1, p.day) < wall) {
    // Midnight did not exist: step forward to the day's first local hour.
    while (Date.UTC(...ymd(localParts(t, tz))) < wall) t += 15 * 60_000;
  }
  return t;
}

const ymd = (p: LocalParts): [number, number, number] => [p.year, p.month - 1, p.day];

/** The local day (YYYY-MM-DD) after `day`. */
export function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

const two = (n: number) => String(n).padStart(2, '0');

/** The date of a wall-clock reading, YYYY-MM-DD. */
export function localDate(p: LocalParts): string {
  return `${String(p.year).padStart(4, '0')}-${two(p.month)}-${two(p.day)}`;
}

/** The local day (YYYY-MM-DD) that instant `ms` falls on in `tz`. */
export function localDay(ms: number, tz: string): string {
  return localDate(localParts(ms, tz));
}

/** `2026-03-08T02:00:00-05:00`: an instant as the zone's wall clock, with its offset. */
export function localIso(ms: number, tz: string): string {
  const p = localParts(ms, tz);
  const off = Math.round(offsetAt(ms, tz) / 60_000);
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  return (
    `${localDate(p)}T${two(p.hour)}:${two(p.minute)}:${two(p.second)}` +
    `${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`
  );
}

export type Bucket = 'hour' | 'day';

/**
 * The buckets from local day `from` (inclusive) to local day `to` (exclusive) in `tz`, as
 * [start, end) instants: a local day is 23 or 25 hours across a DST change, and an hour bucket
 * is an hour of elapsed time starting where the local hour turns over.
 */
export function bucketBounds(from: string, to: string, tz: string, bucket: Bucket): [number, number][] {
  const out: [number, number][] = [];
  for (let day = from; day < to; day = nextDay(day)) {
    const start = startOfLocalDay(day, tz);
    const end = startOfLocalDay(nextDay(day), tz);
    if (bucket === 'day') {
      out.push([start, end]);
      continue;
    }
    // Hours turn over at the same minute as midnight did (zones at +05:30 turn at :30 UTC).
    for (let t = start; t < end; t += 3_600_000) out.push([t, Math.min(t + 3_600_000, end)]);
  }
  return out;
}

/** Local days from `from` to `to` (exclusive). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
