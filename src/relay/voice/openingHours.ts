import { z } from 'zod';
import { isTimeZone, localDate, localParts } from '../../shared/zonedTime';

/** Limits of opening hours; the relay's schema and any form share them. */
export const HOURS_LIMITS = { periods: 28, closedDates: 366, timeZone: 64 } as const;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'a time as HH:MM (00:00 to 24:00)');

/**
 * A queue's opening hours: weekly periods (day 0 is Sunday; `open` before `close`, same day,
 * `24:00` for midnight) in the team's IANA time zone, and whole dates it is closed (holidays).
 */
export const openingHoursSchema = z
  .object({
    timeZone: z
      .string()
      .min(1)
      .max(HOURS_LIMITS.timeZone)
      .refine(isTimeZone, 'an IANA time zone such as Asia/Shanghai'),
    weekly: z
      .array(
        z
          .object({ day: z.number().int().min(0).max(6), open: hhmm, close: hhmm })
          .strict()
          .refine((p) => p.open < p.close, 'open must be before close (same day)'),
      )
      .max(HOURS_LIMITS.periods),
    closedDates: z
      .array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD'))
      .max(HOURS_LIMITS.closedDates),
  })
  .strict();
export type OpeningHours = z.infer<typeof openingHoursSchema>;

const two = (n: number) => String(n).padStart(2, '0');

/** The wall-clock date, weekday and time of `atMs` in `timeZone`. */
export function localTime(atMs: number, timeZone: string): { date: string; day: number; time: string } {
  const l = localParts(atMs, timeZone);
  return {
    date: localDate(l),
    day: new Date(Date.UTC(l.year, l.month - 1, l.day)).getUTCDay(),
    time: `${two(l.hour)}:${two(l.minute)}`,
  };
}

/** Whether a queue with these hours is open at `atMs` (no hours: always open). */
export function isOpen(hours: OpeningHours | null | undefined, atMs: number): boolean {
  if (!hours) return true;
  const t = localTime(atMs, hours.timeZone);
  if (hours.closedDates.includes(t.date)) return false;
  return hours.weekly.some((p) => p.day === t.day && p.open <= t.time && t.time < p.close);
}
