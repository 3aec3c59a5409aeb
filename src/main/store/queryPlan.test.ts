import { describe, expect, it } from 'vitest';
import { LIST_CONVERSATIONS_SQL } from './conversations';
import { CHILDREN_SQL } from './messages';
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

  it('lists conversations by activity through records_by_time and joins customers by key', () => {
    const p = plan(LIST_CONVERSATIONS_SQL, { status: null, channel: null, assignee: null, limit: 10 });
    expect(p).toMatch(/SEARCH c USING INDEX records_by_time \(entity=\?\)/);
    expect(p).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
    expect(p).toMatch(/SEARCH cu USING INDEX sqlite_autoindex_records_1 \(entity=\? AND id=\?\)/);
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
