import { describe, expect, it } from 'vitest';
import { HlcClock } from '../../shared/sync/hlc';
import { openMemoryDatabase } from './db';
import { appendRecord, writeFields } from './records';
import { type Commit } from './store';
import { createStore } from './sqliteStore';

const SYSTEM = { mutationId: null, agentId: null };
const AT = '2026-12-02T09:00:00.000Z';

function world() {
  const db = openMemoryDatabase();
  const store = createStore(db, () => Date.parse(AT));
  const commits: Commit[] = [];
  store.onCommit((c) => commits.push(c));
  const hlc = new HlcClock('relay', () => Date.parse(AT));
  const clock = () => hlc.now();
  const conversation = (id: string, fields: Record<string, unknown>) =>
    writeFields(store, { entity: 'conversation', id, fields, clock: clock(), convId: id, at: AT }, SYSTEM);
  const message = (id: string, convId: string) =>
    appendRecord(store, 'message', id, { conversationId: convId, body: 'hi' }, convId, SYSTEM);
  return { db, store, commits, conversation, message };
}

describe('relay/data/store', () => {
  it('tells listeners each committed record once, as written, with its log position and JSON', () => {
    const w = world();
    w.store.transaction(() => {
      w.conversation('c1', { status: 'open', teamId: 't1', assigneeId: null });
      w.message('m1', 'c1');
      w.conversation('c1', { status: 'pending' });
    });
    expect(w.commits).toHaveLength(1);
    const [commit] = w.commits;
    expect(commit!.head).toBe(w.store.head());
    // The conversation once, at its last position; its status history rides along.
    const kinds = commit!.records.map((r) => [r.change.entity, r.change.id]);
    expect(kinds.filter(([entity]) => entity !== 'fieldChange')).toEqual([
      ['message', 'm1'],
      ['conversation', 'c1'],
    ]);
    expect(kinds.filter(([entity]) => entity === 'fieldChange').length).toBeGreaterThan(0);
    // What a read of the log would have given, without reading it.
    for (const r of commit!.records) {
      const stored = w.store.get(r.change.entity, r.change.id)!;
      expect(r.change.seq).toBe(stored.seq);
      expect(r.change.data).toEqual(stored.data);
      expect(JSON.parse(r.json)).toEqual(r.change);
      expect(r.convId).toBe('c1');
    }
  });

  it('tells nothing of a rolled-back savepoint, and one commit for nested transactions', () => {
    const w = world();
    w.store.transaction(() => {
      w.store.transaction(() => w.conversation('c1', { status: 'open', teamId: 't1' }));
      expect(() =>
        w.store.transaction(() => {
          w.message('m-lost', 'c1');
          throw new Error('refused');
        }),
      ).toThrow('refused');
      w.message('m1', 'c1');
    });
    expect(w.commits).toHaveLength(1);
    expect(w.commits[0]!.records.map((r) => r.change.id)).toEqual(['c1', 'm1']);
    expect(w.store.get('message', 'm-lost')).toBeNull();
    expect(() =>
      w.store.transaction(() => {
        w.message('m2', 'c1');
        throw new Error('rolled back');
      }),
    ).toThrow('rolled back');
    expect(w.commits).toHaveLength(1);
  });

  it('tells the scope moves of a commit, before and after', () => {
    const w = world();
    w.store.transaction(() => w.conversation('c1', { status: 'open', teamId: 't1', assigneeId: null }));
    w.store.transaction(() => {
      w.conversation('c1', { assigneeId: 'a1' });
      w.conversation('c1', { teamId: 't2' });
    });
    expect(w.commits[0]!.scopeMoves.size).toBe(0);
    expect([...w.commits[1]!.scopeMoves]).toEqual([
      ['c1', { before: { teamId: 't1', assigneeId: null }, after: { teamId: 't2', assigneeId: 'a1' } }],
    ]);
  });

  it('tells a commit a listener makes after every listener heard the one before', () => {
    const w = world();
    const heard: string[] = [];
    w.store.onCommit((c) => {
      const id = c.records[0]!.change.id;
      heard.push(`second:${id}`);
    });
    w.store.onCommit((c) => {
      if (c.records[0]!.change.id === 'm1') w.store.transaction(() => w.message('m2', 'c1'));
    });
    w.store.transaction(() => w.conversation('c1', { status: 'open' }));
    w.store.transaction(() => w.message('m1', 'c1'));
    expect(heard).toEqual(['second:c1', 'second:m1', 'second:m2']);
    expect(w.commits.map((c) => c.records[0]!.change.id)).toEqual(['c1', 'm1', 'm2']);
  });

  it('refuses a write outside a store transaction, and a store transaction inside a bare one', () => {
    const w = world();
    expect(() => w.message('m1', 'c1')).toThrow('store.transaction');
    expect(() => w.db.transaction(() => w.store.transaction(() => w.message('m1', 'c1')))()).toThrow(
      'bare db.transaction',
    );
    expect(w.commits).toHaveLength(0);
  });
});
