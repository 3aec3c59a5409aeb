// The store contract (src/relay/data/asyncStore.ts) as one set of tests, run against every
// implementation (tests/integration/store/asyncStore.test.ts): SQLite through its adapter and
// PostgreSQL. What a store must answer, whatever it stores in.
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { AsyncStore, AsyncTx } from '../../src/relay/data/asyncStore';
import type { Commit } from '../../src/relay/data/store';
import type { Viewer } from '../../src/relay/data/visibility';

export type StoreUnderTest = {
  store: AsyncStore;
  /** Makes `agentId` a member of `teamId` (accounts live outside the store contract). */
  addMember(teamId: string, agentId: string): Promise<void>;
  dispose(): Promise<void>;
};

const SYSTEM = { mutationId: null, agentId: null };
const ADMIN: Viewer = { agentId: 'admin', role: 'admin', teamIds: new Set() };

const conversation = (tx: AsyncTx, id: string, data: Record<string, unknown>) =>
  tx.put({ entity: 'conversation', id, data, clocks: {}, deleted: false, convId: id }, SYSTEM);
const message = (tx: AsyncTx, id: string, convId: string, body = 'hi') =>
  tx.put(
    { entity: 'message', id, data: { conversationId: convId, body }, clocks: {}, deleted: false, convId },
    SYSTEM,
  );

/** Registers the contract's tests in the enclosing describe, each on a fresh store from `make`. */
export function storeContract(make: () => Promise<StoreUnderTest>): void {
  let s: StoreUnderTest;
  let commits: Commit[];
  beforeEach(async () => {
    s = await make();
    commits = [];
    s.store.onCommit((c) => commits.push(c));
  });
  afterEach(async () => {
    await s.dispose();
  });

  it('keeps what a transaction wrote at commit-ordered positions and tells it once after the commit', async () => {
    const seqs = await s.store.transaction(async (tx) => {
      const a = await conversation(tx, 'c1', { status: 'open', teamId: 't1', assigneeId: null });
      const b = await message(tx, 'm1', 'c1');
      // A transaction reads its own writes; nothing is told before the commit.
      expect((await tx.get('message', 'm1'))?.data).toEqual({ conversationId: 'c1', body: 'hi' });
      expect(commits).toHaveLength(0);
      return [a, b];
    });
    expect(seqs[1]).toBeGreaterThan(seqs[0]!);
    expect(await s.store.head()).toBe(seqs[1]);
    expect(commits).toHaveLength(1);
    expect(commits[0]!.head).toBe(seqs[1]);
    expect(commits[0]!.records.map((r) => [r.change.id, r.change.seq])).toEqual([
      ['c1', seqs[0]],
      ['m1', seqs[1]],
    ]);
    for (const r of commits[0]!.records) expect(JSON.parse(r.json)).toEqual(r.change);
    const after = await s.store.changesAfter(ADMIN, 0, 100);
    expect(after.map((c) => c.id)).toEqual(['c1', 'm1']);
    expect(await s.store.changesAfter(ADMIN, seqs[0]!, 100)).toEqual([commits[0]!.records[1]!.change]);
    expect(await s.store.scopeOf('c1')).toEqual({ teamId: 't1', assigneeId: null });
  });

  it('runs what a transaction starts at once in the order it was started, a read seeing the writes before it', async () => {
    const [a, seen, b, head] = await s.store.transaction((tx) =>
      Promise.all([
        conversation(tx, 'c1', { status: 'open' }),
        tx.get('conversation', 'c1'),
        message(tx, 'm1', 'c1'),
        tx.head(),
      ]),
    );
    expect(seen?.seq).toBe(a);
    expect(b).toBeGreaterThan(a);
    expect(head).toBe(b);
    expect(commits.map((c) => c.records.map((r) => r.change.id))).toEqual([['c1', 'm1']]);
  });

  it('keeps nothing and tells nothing of a transaction that throws, or of a rolled-back savepoint', async () => {
    await expect(
      s.store.transaction(async (tx) => {
        await message(tx, 'lost', 'c1');
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(await s.store.get('message', 'lost')).toBeNull();
    expect(commits).toHaveLength(0);
    await s.store.transaction(async (tx) => {
      await conversation(tx, 'c1', { status: 'open' });
      await expect(
        tx.savepoint(async (sp) => {
          await message(sp, 'lost-too', 'c1');
          throw new Error('inner');
        }),
      ).rejects.toThrow('inner');
      await message(tx, 'm1', 'c1');
    });
    expect(await s.store.get('message', 'lost-too')).toBeNull();
    expect(commits.map((c) => c.records.map((r) => r.change.id))).toEqual([['c1', 'm1']]);
    // Positions stay without holes: what rolled back gave its positions back.
    expect((await s.store.changesAfter(ADMIN, 0, 100)).map((c) => c.seq)).toEqual([1, 2]);
  });

  it('tells the scope moves of a commit and finds them again after a cursor', async () => {
    await s.store.transaction((tx) =>
      conversation(tx, 'c1', { status: 'open', teamId: 't1', assigneeId: null }),
    );
    const cursor = await s.store.head();
    await s.store.transaction(async (tx) => {
      await conversation(tx, 'c1', { status: 'open', teamId: 't1', assigneeId: 'a1' });
      await conversation(tx, 'c1', { status: 'open', teamId: 't2', assigneeId: 'a1' });
      for (const [field, value] of [
        ['assigneeId', 'a1'],
        ['teamId', 't2'],
      ] as const)
        await tx.putFieldChange(
          {
            entity: 'conversation',
            recordId: 'c1',
            field,
            value,
            clock: '0000000000001-0000-relay',
            authorId: null,
            at: '2026-12-02T09:00:00.000Z',
            outcome: 'won',
          },
          'c1',
          SYSTEM,
        );
    });
    expect([...commits[1]!.scopeMoves]).toEqual([
      ['c1', { before: { teamId: 't1', assigneeId: null }, after: { teamId: 't2', assigneeId: 'a1' } }],
    ]);
    const moves = await s.store.scopeMovesAfter(cursor);
    expect([...moves.keys()]).toEqual(['c1']);
    expect([...moves.get('c1')!].sort()).toEqual(['assigneeId', 'teamId']);
    expect(await s.store.pastScopes('c1')).toEqual({
      teamIds: new Set(['t2']),
      assigneeIds: new Set(['a1']),
    });
    expect(await s.store.hasHistory('conversation', 'c1', 'teamId')).toBe(true);
    expect(await s.store.hasHistory('conversation', 'c1', 'status')).toBe(false);
  });

  it('shows an agent only the conversations of its teams and its own, and every shared record', async () => {
    await s.addMember('t1', 'agent-1');
    await s.store.transaction(async (tx) => {
      await conversation(tx, 'c-mine-team', { teamId: 't1', assigneeId: null });
      await conversation(tx, 'c-other', { teamId: 't2', assigneeId: null });
      await conversation(tx, 'c-assigned', { teamId: 't2', assigneeId: 'agent-1' });
      await message(tx, 'm-other', 'c-other');
      await tx.put(
        { entity: 'customer', id: 'cu1', data: { name: 'Ada' }, clocks: {}, deleted: false, convId: null },
        SYSTEM,
      );
    });
    const agent: Viewer = { agentId: 'agent-1', role: 'agent', teamIds: new Set(['t1']) };
    expect((await s.store.changesAfter(agent, 0, 100)).map((c) => c.id)).toEqual([
      'c-mine-team',
      'c-assigned',
      'cu1',
    ]);
    const head = await s.store.head();
    expect(await s.store.snapshotTotal(agent, head)).toBe(3);
    expect((await s.store.snapshotPage(agent, 0, head, 2)).map((c) => c.id)).toEqual([
      'c-mine-team',
      'c-assigned',
    ]);
    expect(await s.store.snapshotTotal(ADMIN, head)).toBe(5);
    expect((await s.store.conversationRecords('c-other')).map((c) => c.id)).toEqual(['c-other', 'm-other']);
  });

  it('finds a customer’s conversations and merged profiles', async () => {
    await s.store.transaction(async (tx) => {
      for (const id of ['cv-b', 'cv-a'])
        await conversation(tx, id, { customerId: 'cu1', teamId: null, assigneeId: null });
      await conversation(tx, 'cv-x', { customerId: 'cu2' });
      await tx.put(
        {
          entity: 'customer',
          id: 'cu3',
          data: { mergedInto: 'cu1' },
          clocks: {},
          deleted: false,
          convId: null,
        },
        SYSTEM,
      );
    });
    expect(await s.store.conversationIdsOfCustomer('cu1')).toEqual(['cv-a', 'cv-b']);
    expect(await s.store.customersMergedInto('cu1')).toEqual(['cu3']);
  });

  it('compacts the log to its retention, drops old tombstones and keeps live records', async () => {
    await s.store.transaction(async (tx) => {
      await conversation(tx, 'c1', { status: 'open' });
      await tx.put(
        { entity: 'message', id: 'gone', data: {}, clocks: {}, deleted: true, convId: 'c1' },
        SYSTEM,
      );
      await message(tx, 'm2', 'c1');
      await message(tx, 'm3', 'c1');
    });
    expect(await s.store.floor()).toBe(0);
    expect(await s.store.compact(2)).toBe(2);
    expect(await s.store.floor()).toBe(2);
    expect(await s.store.get('message', 'gone')).toBeNull();
    expect(await s.store.get('conversation', 'c1')).not.toBeNull();
    expect(await s.store.head()).toBe(4);
    expect(await s.store.compact(5)).toBe(2);
  });
}
