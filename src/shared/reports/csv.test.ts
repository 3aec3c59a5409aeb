import { describe, expect, it } from 'vitest';
import { csvText, REPORT_CSV_HEADER, reportCsv } from './csv';
import { emptySums, type Report } from './figures';

const report: Report = {
  from: '2026-03-08',
  to: '2026-03-09',
  tz: 'America/New_York',
  groupBy: 'agent',
  bucket: 'day',
  generatedAt: '2026-03-10T00:00:00.000Z',
  buckets: [{ start: '2026-03-08T05:00:00.000Z', end: '2026-03-09T04:00:00.000Z' }],
  groups: [
    { key: 'a1', name: '王小明, "Ming"' },
    { key: 'a2', name: '=HYPERLINK("http://x")' },
  ],
  rows: [
    {
      ...emptySums(),
      group: 'a2',
      bucket: 0,
      volume: 3,
      firstResponseCount: 2,
      firstResponseMs: 50_000,
      handledCalls: 2,
      talkMs: 200_000,
      holdMs: 20_000,
      afterCallMs: 40_000,
      csatCount: 3,
      csatSum: 13,
      slaMet: 1,
      slaBreached: 2,
      serviceOffered: 3,
      serviceWithin: 1,
      abandonedCalls: 1,
    },
    { ...emptySums(), group: 'a1', bucket: 0, volume: 1 },
  ],
  targets: { serviceLevelSec: { voice: 20 }, firstResponseSec: { voice: 60 } },
  notes: [],
};

describe('shared/reports/csv', () => {
  it('writes one line per group and bucket, in the viewer’s time with its offset, with derived figures', () => {
    const csv = reportCsv(report);
    expect(csv.startsWith('\ufeff')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines[0]).toBe(REPORT_CSV_HEADER.join(','));
    // Sorted by bucket, then name; a name with a comma and quotes is quoted, a formula defused.
    expect(lines[1]).toBe(
      'a2,"\'=HYPERLINK(""http://x"")",2026-03-08T00:00:00-05:00,2026-03-09T00:00:00-04:00,' +
        // volume, avg first response 25 s, handle 130 s (talk 100 + hold 10 + ACW 20), resolution none,
        // CSAT 4.33 of 3, SLA 33.33 %, 1 abandoned call, 0 chats, service level 33.33 %
        '3,25,130,100,10,20,,4.33,3,33.33,1,0,33.33',
    );
    expect(lines[2]).toBe(
      'a1,"王小明, ""Ming""",2026-03-08T00:00:00-05:00,2026-03-09T00:00:00-04:00,1,,,,,,,,0,,0,0,',
    );
  });

  it('defuses every formula prefix a spreadsheet runs', () => {
    for (const p of ['=', '+', '-', '@', '\t', '\r'])
      expect(csvText(`${p}1`).replace(/^"/, '')).toMatch(/^'/);
    expect(csvText('plain')).toBe('plain');
  });
});
