import { describe, expect, it } from 'vitest';
import { isOpen, localTime, openingHoursSchema } from './openingHours';

describe('relay/voice/openingHours', () => {
  const weekdays = [1, 2, 3, 4, 5].map((day) => ({ day, open: '09:00', close: '18:00' }));
  const hours = { timeZone: 'Asia/Shanghai', weekly: weekdays, closedDates: ['2026-12-25'] };

  it('reads the time in the team’s zone, not the server’s', () => {
    // 2026-12-02 is a Wednesday; 01:30 UTC is 09:30 in Shanghai.
    expect(localTime(Date.parse('2026-12-02T01:30:00Z'), 'Asia/Shanghai')).toEqual({
      date: '2026-12-02',
      day: 3,
      time: '09:30',
    });
  });

  it('is open inside a weekly period and closed before, after, at weekends and on closed dates', () => {
    expect(isOpen(hours, Date.parse('2026-12-02T01:30:00Z'))).toBe(true); // Wed 09:30
    expect(isOpen(hours, Date.parse('2026-12-02T00:59:00Z'))).toBe(false); // Wed 08:59
    expect(isOpen(hours, Date.parse('2026-12-02T10:00:00Z'))).toBe(false); // Wed 18:00, closing
    expect(isOpen(hours, Date.parse('2026-12-05T03:00:00Z'))).toBe(false); // Sat 11:00
    expect(isOpen(hours, Date.parse('2026-12-25T03:00:00Z'))).toBe(false); // Fri, a closed date
    expect(isOpen(null, Date.parse('2026-12-05T03:00:00Z'))).toBe(true); // no hours: always open
  });

  it('follows daylight saving time in zones that have it', () => {
    const ny = {
      timeZone: 'America/New_York',
      weekly: [{ day: 1, open: '09:00', close: '10:00' }],
      closedDates: [],
    };
    expect(isOpen(ny, Date.parse('2026-07-06T13:30:00Z'))).toBe(true); // Mon 09:30 EDT
    expect(isOpen(ny, Date.parse('2026-12-07T14:30:00Z'))).toBe(true); // Mon 09:30 EST
    expect(isOpen(ny, Date.parse('2026-12-07T13:30:00Z'))).toBe(false); // Mon 08:30 EST
  });

  it('refuses a bad zone, a period that closes before it opens, and malformed times and dates', () => {
    const bad = (h: unknown) => openingHoursSchema.safeParse(h).success;
    expect(bad({ ...hours, timeZone: 'Mars/Olympus' })).toBe(false);
    expect(bad({ ...hours, weekly: [{ day: 1, open: '18:00', close: '09:00' }] })).toBe(false);
    expect(bad({ ...hours, weekly: [{ day: 7, open: '09:00', close: '10:00' }] })).toBe(false);
    expect(bad({ ...hours, weekly: [{ day: 1, open: '9:00', close: '10:00' }] })).toBe(false);
    expect(bad({ ...hours, closedDates: ['25/12/2026'] })).toBe(false);
    expect(bad({ ...hours, weekly: [{ day: 1, open: '00:00', close: '24:00' }] })).toBe(true);
  });
});
