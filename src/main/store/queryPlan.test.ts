import { describe, expect, it } from 'vitest';
import { COUNT_CONVERSATIONS_SQL, LIST_CONVERSATIONS_SQL } from './conversations';
import { CHILDREN_SQL, COUNT_CHILDREN_SQL, LATEST_CHILDREN_SQL } from './messages';
import { openTestStore } from './testHelpers';

function plan(sql: string, ...params: unknown[]): string {
  const { store } = openTestStore();
  const rows = store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
  store.close();
  return rows.map((r) => r.detail).join('\n');
}

describe('main/store query plans', () => {
  it('reads a thread through records_by_parent without sorting', () => {
    const p = plan(CHILDREN_SQL, 'message', 'c');
    expect(p).toMatch(/USING INDEX records_by_parent \(entity=\? AND parent_id=\?\)/);
    expect(p).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
  });

  it("reads a thread's newest entries from the end of records_by_parent", () => {
    const p = plan(LATEST_CHILDREN_SQL, 'message', 'c', 5);
    expect(p).toMatch(/USING INDEX records_by_parent \(entity=\? AND parent_id=\?\)/);
    expect(p).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
  });

  it("counts a thread's entries on records_by_parent", () => {
    const p = plan(COUNT_CHILDREN_SQL, 'c');
    expect(p).toMatch(/USING INDEX records_by_parent \(entity=\? AND parent_id=\?\)/);
  });

  const noFilters = {
    status: null,
    channel: null,
    assignee: null,
    teams: null,
    label: null,
    sla: null,
    now: '2026-01-01T00:00:00.000Z',
    soon: '2026-01-01T00:30:00.000Z',
  };

  it('takes an inbox window from conversations_by_activity, then joins only its rows', () => {
    const p = plan(LIST_CONVERSATIONS_SQL, { ...noFilters, limit: 60, offset: 50_000 });
    // The window is chosen on the index alone (no sort of the whole list), then each of its rows
    // is read by key and joined to its customer by key.
    expect(p).toMatch(/MATERIALIZE page\nSCAN c USING INDEX conversations_by_activity\n/);
    expect(p).toMatch(/SCAN p\nSEARCH c USING INDEX sqlite_autoindex_records_1 \(entity=\? AND id=\?\)/);
    expect(p).toMatch(/SEARCH cu USING INDEX sqlite_autoindex_records_1 \(entity=\? AND id=\?\)/);
    expect(p).not.toMatch(/TEMP B-TREE/);
    expect(p).not.toMatch(/records_by_time/);
  });

  it('counts the filtered inbox on conversations_by_activity, not the records table', () => {
    const p = plan(COUNT_CONVERSATIONS_SQL, { ...noFilters, status: 'open', label: 'vip', teams: '["t"]' });
    expect(p).toMatch(/^SCAN c USING INDEX conversations_by_activity$/m);
    expect(p).not.toMatch(/^SCAN c$/m);
    expect(p).not.toMatch(/TEMP B-TREE/);
  });

  it('finds the mutations touching a record through the outbox_touches key', () => {
    const p = plan(
      'SELECT position FROM outbox_touches WHERE entity = ? AND id = ? ORDER BY position',
      'customer',
      'x',
    );
    expect(p).toMatch(/SEARCH outbox_touches USING PRIMARY KEY \(entity=\? AND id=\?\)/);
    expect(p).not.toMatch(/TEMP B-TREE/);
  });

  it('joins search hits to records by rowid', () => {
    const p = plan(
      `SELECT r.id FROM search s JOIN records r ON r.rowid = s.rowid WHERE search MATCH ? ORDER BY s.rank`,
      'x',
    );
    expect(p).toMatch(/SEARCH r USING INTEGER PRIMARY KEY \(rowid=\?\)/);
  });
});
