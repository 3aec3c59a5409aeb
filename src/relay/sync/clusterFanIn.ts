import type { Logger } from '../core/logger';
import type { AsyncStore } from '../data/asyncStore';
import { publishCommits, type PokeTransport } from '../data/postgres/notify';
import type { LogReads } from '../data/postgres/pgLogReads';
import type { Commit } from '../data/store';
import type { FanOutStep } from './fanout';
import type { SyncHub } from './hub';

// Fan-out across relay processes on one database (postgres/README.md, "Fan-out across
// processes"). Each process sends its own commits to its sockets as the store tells them, and
// learns of the others' commits from pokes: it reads the log after the highest position it has
// fanned out (`covered`) and sends what it read as one Commit-shaped batch (pgLogReads.ts)
// through the hub's fan-out, in its turn among its own commits. Positions decide the order,
// whatever order the transports deliver in: an own commit that does not start right after
// `covered` has others' commits before it, so the log is read up to it instead. A lost poke costs
// latency only: a reconnect of the transport counts as a gap, and a safety poll reads anyway.

export type ClusterFanInDeps = {
  store: Pick<AsyncStore, 'onCommit' | 'head' | 'scopeOf'>;
  reads: LogReads;
  hub: Pick<SyncHub, 'fanOutNext'>;
  transport: PokeTransport;
  /** This process's name in the pokes it publishes. */
  origin: string;
  log: Logger;
  /** A read of the log this often even without pokes, for pokes that never came. [default: 1000] */
  safetyPollMs?: number;
  /**
   * The most records one read sends as a batch; when more changed since the last read (this
   * process was cut off a while), every live connection catches up on its own. [default: 2000]
   */
  maxBatch?: number;
};

export type ClusterFanIn = {
  /** The position up to which this process has fanned out every commit. */
  covered(): number;
  /** Stops reading, publishing and listening. */
  stop(): Promise<void>;
};

/**
 * Starts fan-out of every process's commits for a hub on a shared PostgreSQL database: replaces
 * `store.onCommit(hub.fanOut)`, publishes this process's pokes and follows the others'. Start it
 * before the hub accepts sockets. Resolves once listening.
 */
export async function createClusterFanIn(d: ClusterFanInDeps): Promise<ClusterFanIn> {
  const maxBatch = d.maxBatch ?? 2000;
  // Nobody is connected yet: what came before is for catch-ups. Read before listening, so a
  // commit after it is either told (onCommit) or found by a gap's read.
  let covered = await d.store.head();
  let wanted = -1; // the highest head a poke told of; Infinity: read whatever is there
  let queued = false;

  async function read(): Promise<FanOutStep> {
    try {
      const { head, commit } = await d.reads.logAfter(covered, maxBatch);
      covered = Math.max(covered, head);
      return commit ?? { resync: head };
    } catch (err) {
      // Nothing is lost: covered did not move, the next poke or poll reads from it again.
      d.log.error({ err }, 'cluster fan-in read failed');
      return null;
    }
  }

  function own(c: Commit): FanOutStep | Promise<FanOutStep> {
    if (c.head <= covered) return null; // read from the log already
    if (c.first - 1 !== covered) return read(); // others' commits come before it
    covered = c.head;
    return c;
  }

  function poke(head = Infinity): void {
    wanted = Math.max(wanted, head);
    if (queued || wanted <= covered) return;
    queued = true;
    d.hub.fanOutNext(() => {
      queued = false;
      if (wanted <= covered) return null;
      wanted = -1;
      return read();
    });
  }

  const unlistenCommits = d.store.onCommit((c) => {
    if (c.records.length > 0) d.hub.fanOutNext(() => own(c));
  });
  const stopPublishing = publishCommits(d.store, d.transport, {
    origin: d.origin,
    scopeOf: (convId) => d.store.scopeOf(convId),
    onError: (err) => d.log.warn({ err }, 'cluster poke not published; other relays read it by their poll'),
  });
  let unsubscribe: () => Promise<void>;
  try {
    unsubscribe = await d.transport.subscribe(
      (p) => poke(p.head),
      () => poke(),
    );
  } catch (err) {
    unlistenCommits();
    stopPublishing();
    throw err;
  }
  const timer = setInterval(() => poke(), d.safetyPollMs ?? 1000);
  timer.unref();
  return {
    covered: () => covered,
    async stop() {
      clearInterval(timer);
      unlistenCommits();
      stopPublishing();
      await unsubscribe();
    },
  };
}
