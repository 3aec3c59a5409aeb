import type { LeaseTable } from '../data/leases';

// One owner per routing queue among the relay processes of one database: each process keeps a
// LeaseKeeper, which claims the queues routing knows in rounds (take the free, renew its own) and
// says which it holds. Routing acts on a queue only while `owns(queue)`. A process that dies stops
// renewing, and another takes its queues once their leases run out; one that stops cleanly gives
// them up at once.
//
// Safety against two owners: a lease won in a round that started at local time t is counted
// valid here only until t + ttl, by this process's monotonic clock. The table's lease runs until
// (its clock at the statement, which is later than t) + ttl, so this process stops acting on a
// queue no later than the moment another may take it, even when it cannot reach the database to
// hear so (its rounds fail: it simply stops renewing and lets go at t + ttl).

export type LeaseKeeperOptions = {
  table: LeaseTable;
  /** This process, unique among the relays of the database (e.g. host, pid and a random part). */
  owner: string;
  /** The queues to hold leases for, asked at each round. */
  queues: () => readonly string[];
  /** How long a lease lasts unless renewed. Default 10 s. */
  ttlMs?: number;
  /** Time between rounds. Default a third of ttlMs, so one failed round costs no lease. */
  renewEveryMs?: number;
  /** Told after a round (or a lapse) changes what this process holds. */
  onChange?: (change: { gained: string[]; lost: string[] }) => void;
  /** Told when a round fails (the database unreachable): the leases lapse on their own. */
  onError?: (err: unknown) => void;
  /** Monotonic ms clock (default performance.now). */
  clock?: () => number;
};

export type LeaseKeeper = {
  /** Whether this process may route `queue` now. */
  owns(queue: string): boolean;
  /** The tenure under which this process holds `queue` (it grows by one at each hand-over). */
  tenure(queue: string): number | undefined;
  /** The queues held now. */
  held(): string[];
  /** Runs one round now (the timer runs them anyway); resolves when it is done. */
  round(): Promise<void>;
  /**
   * Stops the rounds. By default gives up every lease held (another process takes them at its
   * next round); `{ release: false }` leaves them to run out, as a crash would.
   */
  stop(o?: { release?: boolean }): Promise<void>;
};

type Held = { tenure: number; validUntil: number };

export function createLeaseKeeper(o: LeaseKeeperOptions): LeaseKeeper {
  const ttlMs = o.ttlMs ?? 10_000;
  const every = o.renewEveryMs ?? Math.max(1, Math.floor(ttlMs / 3));
  const clock = o.clock ?? (() => performance.now());
  const held = new Map<string, Held>();
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  const report = (gained: string[], lost: string[]) => {
    if (gained.length || lost.length) o.onChange?.({ gained, lost });
  };
  const live = (q: string, now = clock()) => {
    const h = held.get(q);
    return !!h && now < h.validUntil;
  };

  /** Drops leases past their local validity (a round failed or was late) and says so. */
  const lapse = () => {
    const now = clock();
    const lost = [...held.keys()].filter((q) => !live(q, now));
    for (const q of lost) held.delete(q);
    report([], lost);
  };

  const claimRound = async () => {
    const started = clock();
    const queues = [...new Set(o.queues())];
    try {
      const won = await o.table.claim(o.owner, queues, ttlMs);
      if (stopped) return;
      const { gained, lost } = takeWon(held, won, started + ttlMs);
      report(gained, lost);
    } catch (err) {
      o.onError?.(err);
      lapse();
    }
  };

  const round = (): Promise<void> => {
    running ??= claimRound().finally(() => (running = null));
    return running;
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      lapse();
      void round().then(schedule);
    }, every);
    timer.unref?.();
  };
  void round().then(schedule);

  return {
    owns: (q) => live(q),
    tenure: (q) => (live(q) ? held.get(q)!.tenure : undefined),
    held: () => [...held.keys()].filter((q) => live(q)),
    round: () => (stopped ? Promise.resolve() : round()),
    async stop({ release = true } = {}) {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      const mine = [...held.keys()];
      held.clear();
      if (release) await o.table.release(o.owner, mine).catch((err: unknown) => o.onError?.(err));
      report([], mine);
    },
  };
}

/** Updates what is held to what a round won (each valid until `validUntil`); says what changed. */
function takeWon(
  held: Map<string, Held>,
  won: ReadonlyMap<string, number>,
  validUntil: number,
): { gained: string[]; lost: string[] } {
  const gained: string[] = [];
  const lost: string[] = [];
  for (const q of [...held.keys()]) {
    if (won.has(q)) continue;
    held.delete(q);
    lost.push(q);
  }
  for (const [q, tenure] of won) {
    const before = held.get(q);
    if (!before || before.tenure !== tenure) gained.push(q);
    held.set(q, { tenure, validUntil });
  }
  return { gained, lost };
}
