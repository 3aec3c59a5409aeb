// Business-time arithmetic for SLA targets: "8 business hours after this message" in a team's
// IANA time zone, over weekly opening hours and holiday dates. Pure and DST-correct: every opening
// interval is turned into real instants through the zone's offset at that local time (Intl, full
// ICU), so a day that springs forward has one hour less to count and one that falls back one more.
import { localParts, offsetAt } from '../zonedTime';

/** One opening on a weekday: minutes since local midnight, `from` < `to` (`to` may be 1440). */
export type Opening = { day: number; from: number; to: number };

/**
 * When the clock of an SLA runs. `hours` null: around the clock (holidays still stop it);
 * `holidays`: local dates `YYYY-MM-DD` on which nothing counts.
 */
export type BusinessCalendar = {
  timeZone: string;
  hours: readonly Opening[] | null;
  holidays: readonly string[];
};

/** How far ahead an addition looks for opening hours before it gives up (a calendar never open). */
export const MAX_SEARCH_DAYS = 3_700;

const MINUTE = 60_000;

/**
 * The instant of local wall time (`dayUtc`: the local date as a UTC midnight, plus `minutes`) in
 * `timeZone`. A wall time repeated by a fall-back maps to its first occurrence; one skipped by a
 * spring-forward gap moves on by the gap's length (02:30 becomes 03:30), as Temporal's
 * "compatible" disambiguation does.
 */
export function localToInstant(dayUtc: number, minutes: number, timeZone: string): number {
  const wall = dayUtc + minutes * MINUTE;
  // The offsets a day either side: real zones change offset at most once within that span.
  const before = wall - offsetAt(wall - 86_400_000, timeZone);
  const after = wall - offsetAt(wall + 86_400_000, timeZone);
  const shows = (t: number) => t + offsetAt(t, timeZone) === wall;
  const valid = [before, after].filter(shows);
  if (valid.length > 0) return Math.min(...valid);
  return before;
}

/** The local date of instant `ms` as a UTC midnight (for calendar stepping). */
function localDay(ms: number, timeZone: string): number {
  const l = localParts(ms, timeZone);
  return Date.UTC(l.year, l.month - 1, l.day);
}

const isoDay = (dayUtc: number) => new Date(dayUtc).toISOString().slice(0, 10);

/** The open intervals (instants) of one local day, in order; none on a holiday or a closed day. */
function openIntervals(
  dayUtc: number,
  cal: BusinessCalendar,
  holidays: ReadonlySet<string>,
): [number, number][] {
  if (holidays.has(isoDay(dayUtc))) return [];
  const weekday = new Date(dayUtc).getUTCDay();
  const openings = cal.hours
    ? cal.hours.filter((o) => o.day === weekday).sort((a, b) => a.from - b.from)
    : [{ day: weekday, from: 0, to: 1440 }];
  return openings.map((o) => [
    localToInstant(dayUtc, o.from, cal.timeZone),
    localToInstant(dayUtc, o.to, cal.timeZone),
  ]);
}

/**
 * The instant `durationMs` of business time after `startMs`: the clock runs only inside opening
 * hours on days that are not holidays. Null when the calendar has no opening within
 * MAX_SEARCH_DAYS (then no due time can be given).
 */
export function addBusinessTime(startMs: number, durationMs: number, cal: BusinessCalendar): number | null {
  if (!cal.hours && cal.holidays.length === 0) return startMs + durationMs;
  const holidays = new Set(cal.holidays);
  let left = durationMs;
  const first = localDay(startMs, cal.timeZone);
  for (let i = 0; i <= MAX_SEARCH_DAYS; i++) {
    for (const [from, to] of openIntervals(first + i * 86_400_000, cal, holidays)) {
      const begin = Math.max(from, startMs);
      if (to <= begin) continue;
      if (begin + left <= to) return begin + left;
      left -= to - begin;
    }
  }
  return null;
}

/**
 * Business time between two instants (0 when `toMs` <= `fromMs`), for "2 h of business time
 * left". Counts at most MAX_SEARCH_DAYS of calendar.
 */
export function businessTimeBetween(fromMs: number, toMs: number, cal: BusinessCalendar): number {
  if (toMs <= fromMs) return 0;
  if (!cal.hours && cal.holidays.length === 0) return toMs - fromMs;
  const holidays = new Set(cal.holidays);
  let total = 0;
  const first = localDay(fromMs, cal.timeZone);
  for (let i = 0; i <= MAX_SEARCH_DAYS; i++) {
    const day = first + i * 86_400_000;
    if (day > toMs + 86_400_000) break; // local midnights are within 14 h of the UTC one
    for (const [from, to] of openIntervals(day, cal, holidays)) {
      const a = Math.max(from, fromMs);
      const b = Math.min(to, toMs);
      if (b > a) total += b - a;
    }
  }
  return total;
}
