// Leases: one owner at a time for a named thing (a routing queue) among the relay processes that
// share one database. The table is the truth; a process holds a lease only until it runs out
// unless it renews it, so a process that dies gives its leases up by itself after `ttlMs`.
// routing/lease.ts keeps them (takes, renews, tells routing what it gained and lost).

/** What a process asks of the lease table. Names are opaque (a queue id). */
export type LeaseTable = {
  /**
   * Takes each named lease that is free or run out, renews each this owner holds, for `ttlMs`
   * from now by the table's clock; resolves to the names this owner holds afterwards (with the
   * tenure of each: it grows by one at each hand-over). Others' live leases are left alone.
   */
  claim(owner: string, names: readonly string[], ttlMs: number): Promise<Map<string, number>>;
  /** Gives up the named leases this owner holds (at a clean stop: another may take them at once). */
  release(owner: string, names: readonly string[]): Promise<void>;
  /** Who holds each named lease now (a live one), for health pages and tests. */
  holders(names: readonly string[]): Promise<Map<string, string>>;
};

/**
 * The lease table of a relay that is the only process on its store (SQLite: one process owns the
 * file): every lease is this process's, forever, at tenure 1.
 */
export function soleOwnerLeases(): LeaseTable {
  const held = new Map<string, string>();
  return {
    claim(owner, names) {
      for (const n of names) if (!held.has(n)) held.set(n, owner);
      return Promise.resolve(new Map(names.filter((n) => held.get(n) === owner).map((n) => [n, 1])));
    },
    release(owner, names) {
      for (const n of names) if (held.get(n) === owner) held.delete(n);
      return Promise.resolve();
    },
    holders(names) {
      return Promise.resolve(new Map(names.flatMap((n) => (held.has(n) ? [[n, held.get(n)!]] : []))));
    },
  };
}
