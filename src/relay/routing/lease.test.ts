import { describe, expect, it } from 'vitest';
import { soleOwnerLeases, type LeaseTable } from '../data/leases';
import { createLeaseKeeper } from './lease';

/** The sole-owner table with a switch that makes its claims fail, as an unreachable database would. */
function cuttable(table: LeaseTable) {
  const s = { cut: false };
  const wrapped: LeaseTable = {
    claim: (...a) => (s.cut ? Promise.reject(new Error('connection refused')) : table.claim(...a)),
    release: (...a) => table.release(...a),
    holders: (...a) => table.holders(...a),
  };
  return { s, table: wrapped };
}

describe('routing/lease keeper', () => {
  it('on a store of one process holds every queue, and the queues routing learns later', async () => {
    let queues = ['q1', 'q2'];
    const changes: { gained: string[]; lost: string[] }[] = [];
    const keeper = createLeaseKeeper({
      table: soleOwnerLeases(),
      owner: 'relay-a',
      queues: () => queues,
      renewEveryMs: 60_000,
      onChange: (c) => changes.push(c),
    });
    await keeper.round();
    expect(keeper.held().sort()).toEqual(['q1', 'q2']);
    queues = ['q1', 'q2', 'q3'];
    await keeper.round();
    expect(keeper.owns('q3')).toBe(true);
    expect(keeper.tenure('q3')).toBe(1);
    expect(changes).toEqual([
      { gained: ['q1', 'q2'], lost: [] },
      { gained: ['q3'], lost: [] },
    ]);
    await keeper.stop();
    expect(keeper.owns('q1')).toBe(false);
    expect(changes.at(-1)).toEqual({ gained: [], lost: ['q1', 'q2', 'q3'] });
  });

  it('lets go of a queue when its lease runs out by its own clock while the table cannot be reached', async () => {
    let now = 1_000;
    const { s, table } = cuttable(soleOwnerLeases());
    const errors: unknown[] = [];
    const lost: string[] = [];
    const keeper = createLeaseKeeper({
      table,
      owner: 'relay-a',
      queues: () => ['q1'],
      ttlMs: 3_000,
      renewEveryMs: 60_000,
      clock: () => now,
      onError: (e) => errors.push(e),
      onChange: (c) => lost.push(...c.lost),
    });
    await keeper.round();
    expect(keeper.owns('q1')).toBe(true);
    s.cut = true;
    now += 2_000;
    await keeper.round(); // fails: the lease won at 1,000 still counts until 4,000
    expect(errors).toHaveLength(1);
    expect(keeper.owns('q1')).toBe(true);
    now += 1_000;
    expect(keeper.owns('q1')).toBe(false); // at 4,000 it is over, heard from the database or not
    await keeper.round();
    expect(lost).toEqual(['q1']);
    s.cut = false;
    await keeper.round();
    expect(keeper.owns('q1')).toBe(true);
    await keeper.stop();
  });

  it('stops without giving up its leases when told to (as a crash leaves them to run out)', async () => {
    const table = soleOwnerLeases();
    const keeper = createLeaseKeeper({ table, owner: 'relay-a', queues: () => ['q1'], renewEveryMs: 60_000 });
    await keeper.round();
    await keeper.stop({ release: false });
    expect(keeper.owns('q1')).toBe(false);
    expect(await table.holders(['q1'])).toEqual(new Map([['q1', 'relay-a']]));
  });
});
