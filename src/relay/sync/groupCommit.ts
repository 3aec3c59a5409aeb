import { performance } from 'node:perf_hooks';
import { RELAY_ERR, type ClientFrame, type PushOutcome } from '../../shared/sync/protocol';
import type { Logger } from '../core/logger';
import type { Metrics } from '../core/metrics';
import type { Principal } from '../identity/auth';
import type { Viewer } from '../data/visibility';
import { fail, send, type Conn } from './connection';
import type { Pusher } from './push';

// Group commit: pushes read in one turn of the event loop are applied in one transaction, so one
// synchronous (durable) commit serves them all; each is answered after that commit, once the
// fan-out of what it wrote has been sent (so pushers hold the relay's state when acked). While a
// commit is under way (on a network database it takes round trips) the next pushes gather and go
// in the commit after it.

type PushFrame = Extract<ClientFrame, { t: 'push' }>;
type QueuedPush = { c: Conn; p: Principal; v: Viewer; f: PushFrame };

export type GroupCommitDeps = {
  pusher: Pusher;
  metrics: Metrics;
  log: Logger;
  /** Resolves once every commit told so far has been fanned out to the live connections. */
  fannedOut(): Promise<void>;
  /** Handles a frame the connection sent while its push waited (in order, after the answer). */
  replay(c: Conn, text: string): void;
};

export type GroupCommit = { enqueue(c: Conn, p: Principal, v: Viewer, f: PushFrame): void };

/** Queues pushes for the next turn's commit; frames a pusher sends meanwhile wait in `c.deferred`. */
export function createGroupCommit(d: GroupCommitDeps): GroupCommit {
  let queued: QueuedPush[] = [];
  let running = false;
  const commit = (): void => {
    const batch = queued;
    queued = [];
    running = true;
    commitBatch(d, batch)
      .catch((err: unknown) => d.log.error({ err }, 'push commit failed'))
      .finally(() => {
        running = false;
        if (queued.length > 0) setImmediate(commit);
      });
  };
  return {
    enqueue(c, p, v, f) {
      c.deferred = [];
      if (queued.push({ c, p, v, f }) === 1 && !running) setImmediate(commit);
    },
  };
}

/** Applies the batch in one transaction, answers each push, then replays what each connection deferred. */
async function commitBatch(d: GroupCommitDeps, batch: readonly QueuedPush[]): Promise<void> {
  const t0 = performance.now();
  let outcomes: PushOutcome[][];
  try {
    const results = await d.pusher.pushMany(
      batch.map((b) => ({ p: b.p, viewer: b.v, mutations: b.f.mutations })),
    );
    outcomes = results.map((r) => r.results);
  } catch (err) {
    d.log.error({ err }, 'push commit failed');
    outcomes = batch.map(() => []);
    for (const b of batch)
      fail(b.c, RELAY_ERR.INTERNAL, 'The relay failed to store this push.', { batch: b.f.batch });
  }
  await d.fannedOut();
  countOutcomes(d.metrics, outcomes, performance.now() - t0);
  batch.forEach((b, i) => {
    if (outcomes[i]!.length > 0 || b.f.mutations.length === 0)
      send(b.c, { t: 'pushResult', batch: b.f.batch, results: outcomes[i]! });
  });
  for (const b of batch) {
    const later = b.c.deferred;
    b.c.deferred = null;
    for (const text of later ?? []) d.replay(b.c, text);
  }
}

function countOutcomes(metrics: Metrics, outcomes: readonly PushOutcome[][], ms: number): void {
  for (const results of outcomes) {
    metrics.push.observe(ms);
    for (const r of results) {
      if (r.status === 'applied') metrics.applied += 1;
      else if (r.status === 'duplicate') metrics.duplicates += 1;
      else metrics.reject(r.code);
    }
  }
}
