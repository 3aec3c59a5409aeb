import { performance } from 'node:perf_hooks';
import type { Change } from '../../shared/sync/entities';
import { RELAY_CLOSE, RELAY_ERR } from '../../shared/sync/protocol';
import type { Logger } from '../core/logger';
import type { Metrics } from '../core/metrics';
import type { AsyncStoreReads } from '../data/asyncStore';
import { canSee, visibleOfThread, type Viewer } from '../data/visibility';
import { send, sendPaced, shut, type Conn } from './connection';

// Bringing one connection up to date: a snapshot when its cursor is unusable, then pages of
// changes after its cursor, then live fan-out (fanout.ts) takes over.

export type CatchUpDeps = {
  store: AsyncStoreReads;
  metrics: Metrics;
  log: Logger;
  /** Records per page of a catch-up or snapshot. */
  pageSize: number;
  /** The head of the newest commit live fan-out has chosen its connections for (fanout.ts). */
  told(): number;
};

/** Whether a cursor cannot be caught up from: compacted away (but not the head) or ahead of the log. */
export async function needsResync(store: AsyncStoreReads, cursor: number): Promise<boolean> {
  const [head, floor] = await Promise.all([store.head(), store.floor()]);
  return (cursor < floor && cursor !== head) || cursor > head;
}

/** Runs a catch-up in the background; a failure is logged and ends this connection alone. */
export function startCatchUp(d: CatchUpDeps, c: Conn): void {
  catchUp(d, c).catch((err: unknown) => {
    d.log.error({ err }, 'sync catch-up failed');
    shut(c, RELAY_ERR.INTERNAL, 'The relay failed to send changes; reconnect.', RELAY_CLOSE.INTERNAL);
  });
}

/**
 * Sends pages of changes after the connection's cursor until it is caught up, then marks it live.
 * A bump of `c.gen` (pull, forced resync) restarts it from the new cursor; one running catch-up
 * per connection.
 */
async function catchUp(d: CatchUpDeps, c: Conn): Promise<void> {
  if (c.catchingUp) return;
  c.catchingUp = true;
  c.live = false;
  // Where this catch-up started: scope moves since then are settled with its last page.
  let from = c.cursor;
  try {
    for (;;) {
      const viewer = c.viewer;
      if (!viewer || c.ws.readyState !== c.ws.OPEN) return;
      const gen = c.gen;
      if (c.forceSnapshot || (await needsResync(d.store, c.cursor))) {
        c.forceSnapshot = false;
        await snapshot(d, c, viewer, gen);
        from = c.cursor; // a snapshot is whole: nothing before it to settle
        continue;
      }
      const t0 = performance.now();
      // The head first: every entry up to it is in the page read after it (positions are
      // commit-ordered), also while other transactions commit.
      const head = await d.store.head();
      const changes = await d.store.changesAfter(viewer, c.cursor, d.pageSize);
      const more = changes.length === d.pageSize;
      // When caught up, the cursor jumps to the head: the entries in between are not visible.
      const cursor = more ? changes.at(-1)!.seq : Math.max(head, changes.at(-1)?.seq ?? 0);
      const last = more ? changes : [...changes, ...(await scopeCatchUp(d.store, viewer, from, cursor))];
      const sent = more
        ? sendPaced(c, { t: 'changes', changes, cursor, more })
        : send(c, { t: 'changes', changes: last, cursor, more });
      d.metrics.pull.observe(performance.now() - t0);
      if (c.gen !== gen) continue;
      c.cursor = cursor;
      if (!more) {
        // A commit fan-out skipped (this one was not live) and this read did not reach: read again.
        if (d.told() > cursor) continue;
        c.live = true;
        return;
      }
      await sent;
      if (c.gen !== gen) continue;
    }
  } finally {
    c.catchingUp = false;
  }
}

/** Sends every live record the viewer may see at the head, in pages, with progress. */
async function snapshot(d: CatchUpDeps, c: Conn, viewer: Viewer, gen: number): Promise<void> {
  const head = await d.store.head();
  const total = await d.store.snapshotTotal(viewer, head);
  send(c, { t: 'snapshotBegin', total, head });
  let after = 0;
  let done = 0;
  for (;;) {
    if (c.gen !== gen) return;
    const changes = await d.store.snapshotPage(viewer, after, head, d.pageSize);
    if (changes.length === 0) break;
    done += changes.length;
    after = changes.at(-1)!.seq;
    await sendPaced(c, { t: 'snapshot', changes, done, total: Math.max(total, done) });
    if (changes.length < d.pageSize) break;
  }
  if (c.gen !== gen) return;
  // Records changed during the snapshot moved past `head`; the catch-up that follows sends them.
  send(c, { t: 'snapshotEnd', cursor: head });
  c.cursor = head;
}

/**
 * Scope moves an app missed while it was away (live connections get them from fan-out): a
 * conversation it may have held and no longer sees gets a tombstone; one it now sees through a
 * team or assignee that changed since `from` comes whole (its older thread was never sent to it),
 * less what is private to others (a whisper to another agent).
 * Nothing for a fresh app (`from` 0: the catch-up is everything it sees) or an admin (sees all).
 */
async function scopeCatchUp(
  store: AsyncStoreReads,
  viewer: Viewer,
  from: number,
  head: number,
): Promise<Change[]> {
  if (from === 0 || viewer.role === 'admin') return [];
  const moves = [...(await store.scopeMovesAfter(from))];
  // One await for every moved conversation, not one each.
  const parts = await Promise.all(
    moves.map(async ([convId, fields]): Promise<Change[]> => {
      const scope = await store.scopeOf(convId);
      if (!scope) return [];
      if (canSee(viewer, convId, scope)) {
        const viaTeam = scope.teamId !== null && viewer.teamIds.has(scope.teamId);
        if (!fields.has(viaTeam ? 'teamId' : 'assigneeId')) return [];
        return visibleOfThread(viewer, await store.conversationRecords(convId));
      }
      const past = await store.pastScopes(convId);
      const had =
        [...viewer.teamIds].some((t) => past.teamIds.has(t)) || past.assigneeIds.has(viewer.agentId);
      return had ? [tombstone(convId, head)] : [];
    }),
  );
  return parts.flat();
}

/** What tells an app to drop a conversation (and its thread) it no longer sees. */
export function tombstone(convId: string, seq: number): Change {
  return { seq, entity: 'conversation', id: convId, data: null, clocks: {}, deleted: true };
}
