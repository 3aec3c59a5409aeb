import { describe, expect, it } from 'vitest';
import { emptySums, type Report } from '../../shared/reports/figures';
import { cachedReport, latestReport, putReport } from './reportCache';
import { openTestStore } from './testHelpers';

const report = (from: string, volume: number): Report => ({
  from,
  to: '2026-03-09',
  tz: 'Asia/Shanghai',
  groupBy: 'team',
  bucket: 'day',
  generatedAt: '2026-03-09T00:00:00.000Z',
  buckets: [{ start: '2026-03-07T16:00:00.000Z', end: '2026-03-08T16:00:00.000Z' }],
  groups: [{ key: 't1', name: '上海客服' }],
  rows: [{ ...emptySums(), group: 't1', bucket: 0, volume }],
  targets: { serviceLevelSec: {}, firstResponseSec: {} },
  notes: [],
});

describe('main/store/reportCache', () => {
  it('keeps the last figures per request in the encrypted cache, newest first, up to the limit', () => {
    const { store } = openTestStore();
    const db = store.db;
    expect(latestReport(db)).toBeNull();
    putReport(db, report('2026-03-01', 1), '2026-03-09T01:00:00.000Z', 2);
    putReport(db, report('2026-03-02', 2), '2026-03-09T02:00:00.000Z', 2);
    putReport(db, report('2026-03-01', 3), '2026-03-09T03:00:00.000Z', 2); // the same request again
    const q = {
      from: '2026-03-01',
      to: '2026-03-09',
      tz: 'Asia/Shanghai',
      groupBy: 'team',
      bucket: 'day',
    } as const;
    expect(cachedReport(db, q)).toMatchObject({ fetchedAt: '2026-03-09T03:00:00.000Z' });
    expect(cachedReport(db, q)!.report.rows[0]!.volume).toBe(3);
    putReport(db, report('2026-03-03', 4), '2026-03-09T04:00:00.000Z', 2);
    // Two kept: 03-02 was the oldest.
    expect(cachedReport(db, { ...q, from: '2026-03-02' })).toBeNull();
    expect(latestReport(db)!.report.from).toBe('2026-03-03');
  });
});
