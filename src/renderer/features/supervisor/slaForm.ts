import { isTimeZone } from '../../../shared/zonedTime';
import { isCalendarDate, SLA_LIMITS, type SlaPolicy } from '../../../shared/sla/policy';
import type { Parsed, Problem } from './teamSettingsForm';

// The SLA form of an inbox (strings as typed) and the policy it becomes (shared/sla/policy.ts).
// Each weekday's hours are one line of openings, "09:00-12:00, 13:00-18:00"; empty: closed.

/** Weekdays in the order the form lists them (Monday first); 0 is Sunday. */
export const FORM_DAYS = [1, 2, 3, 4, 5, 6, 0] as const;

export type SlaForm = {
  enabled: boolean;
  firstResponseMinutes: string;
  resolutionMinutes: string;
  timeZone: string;
  aroundTheClock: boolean;
  /** Openings per weekday (index 0 Sunday … 6 Saturday). */
  hours: string[];
  /** Dates, YYYY-MM-DD, separated by commas, spaces or lines. */
  holidays: string;
};

const OPENING = /^([0-2]\d:[0-5]\d)\s*[-–~]\s*([0-2]\d:[0-5]\d)$/;
const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

/** The form for a stored policy; none stored: off, with office hours in `defaultTimeZone` to start from. */
export function slaFormOf(p: SlaPolicy | null, defaultTimeZone: string): SlaForm {
  const hours = Array.from({ length: 7 }, (_, day) =>
    p?.hours
      ? p.hours
          .filter((o) => o.day === day)
          .sort((a, b) => minutes(a.from) - minutes(b.from))
          .map((o) => `${o.from}-${o.to}`)
          .join(', ')
      : day >= 1 && day <= 5
        ? '09:00-18:00'
        : '',
  );
  return {
    enabled: p !== null,
    firstResponseMinutes: p?.firstResponseMinutes == null ? (p ? '' : '60') : String(p.firstResponseMinutes),
    resolutionMinutes: p?.resolutionMinutes == null ? (p ? '' : '480') : String(p.resolutionMinutes),
    timeZone: p?.timeZone ?? defaultTimeZone,
    aroundTheClock: p ? p.hours === null : false,
    hours,
    holidays: (p?.holidays ?? []).join(', '),
  };
}

/** The policy a form describes (null when SLAs are off), or the problems to fix first. */
export function slaPolicyOfForm(f: SlaForm): Parsed<SlaPolicy | null> {
  if (!f.enabled) return { ok: true, value: null };
  const problems: Problem[] = [];
  const L = SLA_LIMITS.targetMinutes;
  const target = (field: 'firstResponseMinutes' | 'resolutionMinutes'): number | null => {
    const v = f[field].trim();
    if (!v) return null;
    const n = Number(v);
    if (!Number.isInteger(n) || n < L.min || n > L.max)
      problems.push({ field, key: 'slaTargetRange', params: { min: L.min, max: L.max } });
    return n;
  };
  const firstResponseMinutes = target('firstResponseMinutes');
  const resolutionMinutes = target('resolutionMinutes');
  if (firstResponseMinutes === null && resolutionMinutes === null)
    problems.push({ field: 'firstResponseMinutes', key: 'slaNeedsTarget' });
  const timeZone = f.timeZone.trim();
  if (!isTimeZone(timeZone) || !timeZone) problems.push({ field: 'timeZone', key: 'slaTimeZone' });
  const hours: NonNullable<SlaPolicy['hours']> = [];
  if (!f.aroundTheClock) {
    for (let day = 0; day < 7; day++) {
      const line = (f.hours[day] ?? '').trim();
      if (!line) continue;
      const parts = line.split(/[,;]/).map((x) => x.trim());
      const parsed = parts.map((x) => OPENING.exec(x));
      const ok =
        parsed.every((m) => m && minutes(m[1]!) < minutes(m[2]!) && minutes(m[2]!) <= 1440) &&
        parsed
          .map((m) => [minutes(m![1]!), minutes(m![2]!)] as const)
          .sort((a, b) => a[0] - b[0])
          .every((o, i, all) => i === 0 || o[0] >= all[i - 1]![1]);
      if (!ok) problems.push({ field: `hours.${day}`, key: 'slaHours' });
      else for (const m of parsed) hours.push({ day, from: m![1]!, to: m![2]! });
    }
    if (hours.length === 0 && !problems.some((p) => p.field.startsWith('hours.')))
      problems.push({ field: 'hours', key: 'slaNoHours' });
  }
  const holidays = f.holidays
    .split(/[\s,;]+/)
    .map((x) => x.trim())
    .filter(Boolean);
  if (holidays.length > SLA_LIMITS.holidays || holidays.some((d) => !isCalendarDate(d)))
    problems.push({ field: 'holidays', key: 'slaHolidays', params: { max: SLA_LIMITS.holidays } });
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    value: {
      firstResponseMinutes,
      resolutionMinutes,
      timeZone,
      hours: f.aroundTheClock ? null : hours,
      holidays: [...new Set(holidays)].sort(),
    },
  };
}
