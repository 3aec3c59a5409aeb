import { describe, expect, it } from 'vitest';
import { addDays, bucketLabel, formatFigure, localToday } from './reportFormat';

describe('renderer/supervisor/reports/reportFormat', () => {
  it('shows durations as m:ss or h:mm:ss, percentages with a sign, nothing measured as a dash', () => {
    expect(formatFigure('avgHandleSec', 65.4, 'en')).toBe('1:05');
    expect(formatFigure('avgResolutionSec', 7384, 'en')).toBe('2:03:04');
    expect(formatFigure('serviceLevelPct', 83.33, 'en')).toBe('83.33 %');
    expect(formatFigure('volume', 12345, 'en')).toBe('12,345');
    expect(formatFigure('csat', null, 'zh-CN')).toBe('—');
  });

  it('names buckets in the report’s zone, not the viewer’s', () => {
    // 16:00 UTC on 7 March is midnight of Sunday 8 March in Shanghai.
    const day = bucketLabel({ tz: 'Asia/Shanghai', bucket: 'day' }, '2026-03-07T16:00:00.000Z', 'en');
    expect(day).toMatch(/Sun.*Mar.*8|Mar.*8.*Sun/);
    const hour = bucketLabel({ tz: 'America/New_York', bucket: 'hour' }, '2026-03-08T07:00:00.000Z', 'en');
    expect(hour).toMatch(/03:00/);
  });

  it('counts days across month ends and reads today in a zone', () => {
    expect(addDays('2026-02-27', 2)).toBe('2026-03-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(localToday('Asia/Shanghai', Date.parse('2026-03-07T16:30:00.000Z'))).toBe('2026-03-08');
  });
});
