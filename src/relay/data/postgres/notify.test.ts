import { describe, expect, it } from 'vitest';
import { openMemoryDatabase } from '../db';
import { type Commit } from '../store';
import { createStore } from '../sqliteStore';
import { createCatchUp, pokeFromText, pokeOf, type LogPoke } from './notify';

const SYSTEM = { mutationId: null, agentId: null };

describe('relay/data/postgres/notify', () => {
  it('pokes the teams and agents a commit concerns, those who lost a conversation too, and everyone for shared records', async () => {
    const store = createStore(openMemoryDatabase(), Date.now);
    // Each poke is made right after its commit, as publishCommits makes it.
    const pokes: Promise<LogPoke>[] = [];
    store.onCommit((c: Commit) => pokes.push(pokeOf(c, 'relay-1', async (id) => store.scopeOf(id))));
    const conv = (data: Record<string, unknown>) =>
      store.put({ entity: 'conversation', id: 'c1', data, clocks: {}, deleted: false, convId: 'c1' }, SYSTEM);
    store.transaction(() => conv({ teamId: 't1', assigneeId: 'a1' }));
    store.transaction(() =>
      store.put({ entity: 'message', id: 'm1', data: {}, clocks: {}, deleted: false, convId: 'c1' }, SYSTEM),
    );
    store.transaction(() => conv({ teamId: 't2', assigneeId: null }));
    store.transaction(() =>
      store.put(
        { entity: 'customer', id: 'cu1', data: {}, clocks: {}, deleted: false, convId: null },
        SYSTEM,
      ),
    );
    expect(await Promise.all(pokes)).toEqual([
      { origin: 'relay-1', head: 1, all: false, teams: ['t1'], agents: ['a1'] },
      { origin: 'relay-1', head: 2, all: false, teams: ['t1'], agents: ['a1'] },
      { origin: 'relay-1', head: 3, all: false, teams: ['t1', 't2'], agents: ['a1'] },
      { origin: 'relay-1', head: 4, all: true, teams: [], agents: [] },
    ]);
  });

  it('takes a received payload as a poke only when it is one (anyone may publish on the subject)', () => {
    const poke: LogPoke = { origin: 'relay-1', head: 7, all: false, teams: ['t1'], agents: [] };
    expect(pokeFromText(JSON.stringify(poke))).toEqual(poke);
    for (const bad of [
      '',
      'not json',
      'null',
      '42',
      '[]',
      JSON.stringify({ ...poke, head: '7' }),
      JSON.stringify({ ...poke, head: 1.5 }),
      JSON.stringify({ ...poke, teams: [1] }),
      JSON.stringify({ origin: 'relay-1' }),
    ])
      expect(pokeFromText(bad)).toBeNull();
  });

  it('folds pokes that arrive during a read into one more read, and skips pokes it has already read past', async () => {
    const reads: number[] = [];
    let release: (() => void) | null = null;
    const catchUp = createCatchUp({
      cursor: 0,
      safetyPollMs: 3_600_000,
      onError: (err) => {
        throw err;
      },
      // The first read finds the log at 3 (and is held); a later one finds it at 5.
      read: async (cursor) => {
        reads.push(cursor);
        if (reads.length === 1) {
          await new Promise<void>((r) => (release = r));
          return 3;
        }
        return 5;
      },
    });
    catchUp.poke(3);
    catchUp.poke(4);
    catchUp.poke(5);
    release!();
    await catchUp.idle();
    expect(reads).toEqual([0, 3]);
    expect(catchUp.cursor()).toBe(5);
    catchUp.poke(2);
    catchUp.poke(5);
    await catchUp.idle();
    expect(reads).toEqual([0, 3]);
    catchUp.stop();
  });
});
