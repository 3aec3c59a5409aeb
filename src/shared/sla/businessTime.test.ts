import { describe, expect, it } from 'vitest';
import { addBusinessTime, businessTimeBetween, localToInstant, type BusinessCalendar } from './businessTime';

const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
/** Monday to Friday, 09:00–17:00. */
const weekdays = (timeZone: string, holidays: string[] = []): BusinessCalendar => ({
  timeZone,
  hours: [1, 2, 3, 4, 5].map((day) => ({ day, from: 9 * 60, to: 17 * 60 })),
  holidays,
});

describe('shared/sla/businessTime', () => {
  it('counts only opening hours: an evening message is due the next morning', () => {
    const cal = weekdays('Asia/Shanghai');
    // Tuesday 16:00 Shanghai (08:00Z) + 2 h: 1 h on Tuesday, 1 h from Wednesday 09:00.
    expect(iso(addBusinessTime(at('2026-03-03T08:00:00Z'), 2 * H, cal))).toBe('2026-03-04T02:00:00.000Z');
    // Before opening: the clock starts at 09:00.
    expect(iso(addBusinessTime(at('2026-03-03T23:30:00Z'), H, cal))).toBe('2026-03-04T02:00:00.000Z');
  });

  it('skips the weekend and holidays', () => {
    // Friday 16:30 Shanghai + 1 h: 30 min on Friday, Monday is a holiday, so Tuesday 09:30.
    const cal = weekdays('Asia/Shanghai', ['2026-03-09']);
    expect(iso(addBusinessTime(at('2026-03-06T08:30:00Z'), H, cal))).toBe('2026-03-10T01:30:00.000Z');
    expect(businessTimeBetween(at('2026-03-06T08:30:00Z'), at('2026-03-10T01:30:00Z'), cal)).toBe(H);
  });

  it('around the clock: plain addition, but holidays still stop it', () => {
    const always: BusinessCalendar = { timeZone: 'Europe/Berlin', hours: null, holidays: [] };
    expect(addBusinessTime(1_000, 5 * H, always)).toBe(1_000 + 5 * H);
    const christmas: BusinessCalendar = { timeZone: 'Europe/Berlin', hours: null, holidays: ['2026-12-25'] };
    // 23:00 on the 24th (Berlin, UTC+1) + 2 h: 1 h before midnight, the 25th skipped, 01:00 on the 26th.
    expect(iso(addBusinessTime(at('2026-12-24T22:00:00Z'), 2 * H, christmas))).toBe(
      '2026-12-26T00:00:00.000Z',
    );
  });

  it('is DST-correct: a spring-forward day has 23 hours, a fall-back day 25', () => {
    const always: BusinessCalendar = {
      timeZone: 'America/New_York',
      hours: [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, from: 0, to: 1440 })),
      holidays: [],
    };
    // Sunday 8 March 2026: clocks go 02:00 EST -> 03:00 EDT.
    expect(businessTimeBetween(at('2026-03-08T05:00:00Z'), at('2026-03-09T04:00:00Z'), always)).toBe(23 * H);
    // Sunday 1 November 2026: clocks go 02:00 EDT -> 01:00 EST.
    expect(businessTimeBetween(at('2026-11-01T04:00:00Z'), at('2026-11-02T05:00:00Z'), always)).toBe(25 * H);
  });

  it('keeps opening hours on local time across a DST change (09:00 is 09:00 before and after)', () => {
    const cal = weekdays('Europe/Berlin');
    // Friday 27 March 16:00 CET (15:00Z) + 2 h: 1 h Friday, then Monday 30 March 09:00 CEST (07:00Z) + 1 h.
    expect(iso(addBusinessTime(at('2026-03-27T15:00:00Z'), 2 * H, cal))).toBe('2026-03-30T08:00:00.000Z');
    // Friday 23 October 16:00 CEST (14:00Z) + 2 h: Monday 26 October 10:00 CET (09:00Z).
    expect(iso(addBusinessTime(at('2026-10-23T14:00:00Z'), 2 * H, cal))).toBe('2026-10-26T09:00:00.000Z');
  });

  it('maps local times in a gap forward and repeated ones to their first occurrence', () => {
    const day = Date.UTC(2026, 2, 8);
    // 02:30 does not exist in New York on 8 March: 03:30 EDT.
    expect(iso(localToInstant(day, 150, 'America/New_York'))).toBe('2026-03-08T07:30:00.000Z');
    // 01:30 happens twice on 1 November: the first is EDT.
    expect(iso(localToInstant(Date.UTC(2026, 10, 1), 90, 'America/New_York'))).toBe(
      '2026-11-01T05:30:00.000Z',
    );
    // 02:30 happens twice in Berlin on 25 October: the first is CEST (00:30Z).
    expect(iso(localToInstant(Date.UTC(2026, 9, 25), 150, 'Europe/Berlin'))).toBe('2026-10-25T00:30:00.000Z');
  });

  it('an opening that a DST change shortens counts only its real length', () => {
    // Open 01:00–04:00 on Sundays in New York: on 8 March that is 2 real hours.
    const cal: BusinessCalendar = {
      timeZone: 'America/New_York',
      hours: [{ day: 0, from: 60, to: 240 }],
      holidays: [],
    };
    expect(iso(addBusinessTime(at('2026-03-08T06:00:00Z'), 150 * 60_000, cal))).toBe(
      '2026-03-15T05:30:00.000Z',
    );
  });

  it('gives no due time for a calendar that never opens', () => {
    const cal: BusinessCalendar = { timeZone: 'UTC', hours: [{ day: 1, from: 0, to: 60 }], holidays: [] };
    expect(addBusinessTime(0, 3_700 * 24 * H, cal)).toBeNull();
  });
});
