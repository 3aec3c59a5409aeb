import { describe, expect, it } from 'vitest';
import { bucketBounds, isTimeZone, localIso, startOfLocalDay } from './zonedTime';

const iso = (ms: number) => new Date(ms).toISOString();

describe('shared/zonedTime', () => {
  it('starts local days where the zone’s clock turns over, across DST both ways', () => {
    expect(iso(startOfLocalDay('2026-03-08', 'America/New_York'))).toBe('2026-03-08T05:00:00.000Z');
    expect(iso(startOfLocalDay('2026-03-09', 'America/New_York'))).toBe('2026-03-09T04:00:00.000Z');
    expect(iso(startOfLocalDay('2026-11-01', 'America/New_York'))).toBe('2026-11-01T04:00:00.000Z');
    expect(iso(startOfLocalDay('2026-11-02', 'America/New_York'))).toBe('2026-11-02T05:00:00.000Z');
    expect(iso(startOfLocalDay('2026-03-08', 'Asia/Shanghai'))).toBe('2026-03-07T16:00:00.000Z');
    expect(iso(startOfLocalDay('2026-03-08', 'Asia/Kolkata'))).toBe('2026-03-07T18:30:00.000Z');
  });

  it('takes the first instant of a day whose midnight does not exist', () => {
    // Chile springs forward at 24:00 on Saturday 2026-09-05: Sunday begins at 01:00 local.
    const t = startOfLocalDay('2026-09-06', 'America/Santiago');
    expect(localIso(t, 'America/Santiago')).toBe('2026-09-06T01:00:00-03:00');
  });

  it('gives 23 and 25 hour buckets on the days clocks change', () => {
    expect(bucketBounds('2026-03-08', '2026-03-09', 'America/New_York', 'hour')).toHaveLength(23);
    expect(bucketBounds('2026-11-01', '2026-11-02', 'America/New_York', 'hour')).toHaveLength(25);
    const days = bucketBounds('2026-03-07', '2026-03-10', 'America/New_York', 'day');
    expect(days.map(([s, e]) => (e - s) / 3_600_000)).toEqual([24, 23, 24]);
    // Half-hour zones turn their hours at :30 UTC.
    expect(iso(bucketBounds('2026-03-08', '2026-03-09', 'Asia/Kolkata', 'hour')[1]![0])).toBe(
      '2026-03-07T19:30:00.000Z',
    );
  });

  it('knows IANA names and refuses others', () => {
    expect(isTimeZone('Asia/Shanghai')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
});
