import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { AUDIT, auditCsvRows, createAudit, csvCell } from './audit';
import { openMemoryDatabase } from '../data/db';
import { asyncSqliteStore } from '../data/sqliteAsync';
import { createSqliteIdentity } from '../data/sqliteIdentity';
import { createStore } from '../data/sqliteStore';

function setup() {
  const db = openMemoryDatabase();
  let now = Date.parse('2026-03-01T08:00:00Z');
  const identity = createSqliteIdentity(db, asyncSqliteStore(createStore(db, () => now)));
  const audit = createAudit({ identity, now: () => (now += 1000), log: pino({ level: 'silent' }) });
  db.prepare(
    "INSERT INTO agents (id, email, name, role, password_hash, created_at) VALUES ('a1', 'mei@example.cn', '王美', 'admin', 'x', 0)",
  ).run();
  return { db, audit };
}

describe('relay/identity/audit', () => {
  it('records lines and reads them newest first, filtered and paged', async () => {
    const { audit } = setup();
    audit.record({ actorId: 'a1', action: AUDIT.SIGN_IN, target: 'dev1', ip: '127.0.0.2' });
    audit.record({
      actorId: null,
      action: AUDIT.SIGN_IN_FAILED,
      target: 'x@y.z',
      detail: { reason: 'wrong' },
    });
    for (let i = 0; i < 5; i++)
      audit.record({ actorId: 'a1', action: AUDIT.API_KEY_CREATED, target: `k${i}`, detail: { i } });

    const all = await audit.query({ limit: 100 });
    expect(all.entries.map((e) => e.target)).toEqual(['k4', 'k3', 'k2', 'k1', 'k0', 'x@y.z', 'dev1']);
    expect(all.nextCursor).toBeNull();
    expect(all.entries.at(-1)).toMatchObject({
      actorId: 'a1',
      actorEmail: 'mei@example.cn',
      actorName: '王美',
      action: 'auth.signIn',
      ip: '127.0.0.2',
      at: '2026-03-01T08:00:01.000Z',
    });

    // By actor (id or email), action, time; pages join up without gaps or repeats.
    expect((await audit.query({ limit: 100, actor: 'MEI@example.cn' })).entries).toHaveLength(6);
    expect((await audit.query({ limit: 100, action: AUDIT.SIGN_IN_FAILED })).entries[0]!.detail).toEqual({
      reason: 'wrong',
    });
    const since = Date.parse('2026-03-01T08:00:03Z');
    expect(
      (await audit.query({ limit: 100, since, until: since + 2000 })).entries.map((e) => e.target),
    ).toEqual(['k1', 'k0']);
    const seen: string[] = [];
    let cursor: number | undefined;
    for (;;) {
      const page = await audit.query({ limit: 3, ...(cursor === undefined ? {} : { cursor }) });
      seen.push(...page.entries.map((e) => e.target!));
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(all.entries.map((e) => e.target));
  });

  it('cuts an oversized detail instead of storing it', async () => {
    const { audit } = setup();
    audit.record({ actorId: 'a1', action: AUDIT.ROLE_CHANGED, detail: { junk: 'x'.repeat(10_000) } });
    expect((await audit.query({ limit: 1 })).entries[0]!.detail).toEqual({ truncated: true });
  });

  it('writes CSV cells that spreadsheets neither split wrongly nor run as formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell(null)).toBe('');
    expect(csvCell(42)).toBe('42');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    for (const evil of ['=HYPERLINK("http://x")', '+1', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd'])
      expect(csvCell(evil).replace(/^"/, '')).toMatch(/^'/);
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('=A1,B1')).toBe(`"'=A1,B1"`);
  });

  it('exports one CSV line per entry with the detail as JSON', async () => {
    const { audit } = setup();
    audit.record({
      actorId: 'a1',
      action: AUDIT.ACCOUNT_CREATED,
      target: '=cmd|calc',
      detail: { email: 'li@example.cn', name: 'Li, "Wei"' },
      ip: '127.0.0.1',
    });
    const csv = auditCsvRows((await audit.query({ limit: 10 })).entries);
    expect(csv.endsWith('\r\n')).toBe(true);
    const cells = csv.trimEnd().split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/);
    expect(cells).toHaveLength(8);
    expect(cells[2]).toBe('mei@example.cn');
    expect(cells[4]).toBe('account.created');
    expect(cells[5]).toBe("'=cmd|calc");
    expect(cells[7]).toBe('"{""email"":""li@example.cn"",""name"":""Li, \\""Wei\\""""}"');
  });
});
