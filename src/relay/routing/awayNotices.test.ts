import { describe, expect, it } from 'vitest';
import type { MovedWhileAway } from '../../shared/routing';
import { openMemoryDatabase } from '../data/db';
import { createSqliteRoutingData } from '../data/routingData';
import { asyncSqliteStore } from '../data/sqliteAsync';
import { createStore } from '../data/sqliteStore';
import { createAwayNotices } from './awayNotices';

const moved = (conversationId: string, movedAt: string): MovedWhileAway => ({
  conversationId,
  channel: 'chat',
  customerName: 'Wen',
  subject: '',
  movedAt,
  reason: 'customer-waiting',
});

/** The notices' table on a fresh relay database. */
function meta(db = openMemoryDatabase()) {
  return { db, data: createSqliteRoutingData(db, asyncSqliteStore(createStore(db, Date.now))) };
}

describe('relay/routing/awayNotices', () => {
  it('keeps what moved per agent until seen; a later move survives an earlier dismissal', async () => {
    const { db, data } = meta();
    const n = createAwayNotices(data);
    await n.add('hana', [moved('c1', '2026-12-02T03:00:00.000Z')]);
    await n.add('hana', [moved('c2', '2026-12-02T03:05:00.000Z')]);
    await n.add('omar', [moved('c3', '2026-12-02T03:01:00.000Z')]);
    // Another connection (or a relay restart) reads the same notices again.
    expect((await createAwayNotices(meta(db).data).list('hana')).map((m) => m.conversationId)).toEqual([
      'c1',
      'c2',
    ]);
    await n.seen('hana', '2026-12-02T03:00:00.000Z');
    expect((await n.list('hana')).map((m) => m.conversationId)).toEqual(['c2']);
    await n.seen('hana', '2026-12-02T03:05:00.000Z');
    expect(await n.list('hana')).toEqual([]);
    expect(await n.list('omar')).toHaveLength(1);
  });

  it('keeps at most maxPerAgent, dropping the oldest, and reads a damaged value as none', async () => {
    const { db, data } = meta();
    const n = createAwayNotices(data, { maxPerAgent: 3 });
    await n.add(
      'hana',
      ['1', '2', '3', '4', '5'].map((i) => moved(`c${i}`, `2026-12-02T03:0${i}:00.000Z`)),
    );
    expect((await n.list('hana')).map((m) => m.conversationId)).toEqual(['c3', 'c4', 'c5']);
    db.prepare("UPDATE meta SET value = '{not json' WHERE key LIKE 'routing.movedWhileAway.%'").run();
    expect(await n.list('hana')).toEqual([]);
  });
});
