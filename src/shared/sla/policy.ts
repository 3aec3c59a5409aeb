import { z } from 'zod';
import { isTimeZone } from '../zonedTime';
import type { BusinessCalendar, Opening } from './businessTime';

/** Limits of an SLA policy, shared by the relay's schema and the app's form. */
export const SLA_LIMITS = {
  /** Targets in minutes: 1 minute to 90 days. */
  targetMinutes: { min: 1, max: 90 * 24 * 60 },
  openings: 70,
  holidays: 400,
} as const;

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const target = z
  .number()
  .int()
  .min(SLA_LIMITS.targetMinutes.min)
  .max(SLA_LIMITS.targetMinutes.max)
  .nullable();

const openingSchema = z
  .object({
    /** 0 Sunday … 6 Saturday. */
    day: z.number().int().min(0).max(6),
    from: z.string().regex(HHMM, 'must be HH:MM'),
    to: z.string().regex(HHMM, 'must be HH:MM (24:00 for midnight)'),
  })
  .strict()
  .refine((o) => minutesOf(o.from) < minutesOf(o.to), {
    message: 'must open before it closes',
    path: ['to'],
  });

/**
 * An inbox's SLA policy, kept on the inbox record (`sla`) and set by an admin or the team's
 * supervisors. Targets are business minutes (null: none); `hours` are weekly openings in
 * `timeZone` (the team's IANA zone; null: around the clock); `holidays` are local dates on which
 * the clock stops.
 */
export const slaPolicySchema = z
  .object({
    firstResponseMinutes: target,
    resolutionMinutes: target,
    timeZone: z.string().min(1).max(64).refine(isTimeZone, 'must be an IANA time zone such as Asia/Shanghai'),
    hours: z
      .array(openingSchema)
      .min(1, 'name at least one opening, or null for around the clock')
      .max(SLA_LIMITS.openings)
      .nullable(),
    holidays: z
      .array(
        z
          .string()
          .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
          .refine(isCalendarDate, 'not a date in the calendar'),
      )
      .max(SLA_LIMITS.holidays),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (!p.hours) return;
    // Overlapping openings on one day would count their common minutes twice.
    for (let day = 0; day < 7; day++) {
      const list = p.hours
        .map((o, i) => ({ i, from: minutesOf(o.from), to: minutesOf(o.to), day: o.day }))
        .filter((o) => o.day === day)
        .sort((a, b) => a.from - b.from);
      for (let k = 1; k < list.length; k++)
        if (list[k]!.from < list[k - 1]!.to)
          ctx.addIssue({
            code: 'custom',
            path: ['hours', list[k]!.i, 'from'],
            message: 'overlaps another opening that day',
          });
    }
  });
export type SlaPolicy = z.infer<typeof slaPolicySchema>;

/** Whether `d` (YYYY-MM-DD) is a real date: Date.parse takes 2026-02-30 as 2 March. */
export function isCalendarDate(d: string): boolean {
  const ms = Date.parse(`${d}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === d;
}

/** The policy an inbox record holds, or null (no SLA). Stored values are trusted only after parsing. */
export function slaPolicyOf(inbox: Record<string, unknown> | undefined | null): SlaPolicy | null {
  const r = slaPolicySchema.safeParse(inbox?.['sla']);
  return r.success ? r.data : null;
}

/** The calendar a policy's clock runs on. */
export function calendarOf(p: SlaPolicy): BusinessCalendar {
  const hours: Opening[] | null = p.hours
    ? p.hours.map((o) => ({ day: o.day, from: minutesOf(o.from), to: minutesOf(o.to) }))
    : null;
  return { timeZone: p.timeZone, hours, holidays: p.holidays };
}
