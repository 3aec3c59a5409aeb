import { describe, expect, it } from 'vitest';
import { openMemoryDatabase } from './db';
import { asyncSqliteStore } from './sqliteAsync';
import { createStore } from './sqliteStore';

const SYSTEM = { mutationId: null, agentId: null };
const msg = (id: string) =>
  ({ entity: 'message', id, data: { body: id }, clocks: {}, deleted: false, convId: null }) as const;

describe('relay/data/sqliteAsync', () => {
  it('runs async transactions one at a time, in the order asked, over the unchanged SQLite store', async () => {
    const sync = createStore(openMemoryDatabase(), Date.now);
    const store = asyncSqliteStore(sync);
    const order: string[] = [];
    const both = await Promise.all(
      ['a', 'b'].map((id) =>
        store.transaction(async (tx) => {
          order.push(`begin ${id}`);
          const seq = await tx.put(msg(id), SYSTEM);
          await tx.get('message', id);
          order.push(`end ${id}`);
          return seq;
        }),
      ),
    );
    expect(order).toEqual(['begin a', 'end a', 'begin b', 'end b']);
    expect(both).toEqual([1, 2]);
    // The synchronous store sees the same data, and still works once no async transaction is open.
    expect(sync.get('message', 'b')?.seq).toBe(2);
    expect(sync.transaction(() => sync.put(msg('c'), SYSTEM))).toBe(3);
  });

  it('refuses a synchronous transaction while an async one is open, and stays usable after', async () => {
    const sync = createStore(openMemoryDatabase(), Date.now);
    const store = asyncSqliteStore(sync);
    await store.transaction(async (tx) => {
      await tx.put(msg('a'), SYSTEM);
      expect(() => sync.transaction(() => sync.put(msg('intruder'), SYSTEM))).toThrow('async one is open');
    });
    expect(sync.get('message', 'intruder')).toBeNull();
    await expect(
      store.transaction(async (tx) => {
        await tx.put(msg('b'), SYSTEM);
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(sync.get('message', 'b')).toBeNull();
    expect(await store.transaction((tx) => tx.put(msg('c'), SYSTEM))).toBe(2);
  });
});
