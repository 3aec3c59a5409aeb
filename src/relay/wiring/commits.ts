import { guarded } from '../core/guard';
import { soleOwnerLeases } from '../data/leases';
import { sqliteSlaQueries } from '../data/slaQueries';
import { createLeaseKeeper } from '../routing/lease';
import { createSlaTimers, SLA_TIMER_LEASE } from '../sla/timers';
import type { Core } from './core';
import type { Rooms } from './rooms';

/**
 * Step 3: what each commit tells, compaction on a timer, and the SLA timers. Returns what stops
 * the timers.
 */
export function subscribeToCommits(c: Core, r: Rooms) {
  const { opts, o, log, db, relayClock, store, asyncStore, metrics, hub } = c;
  const { routing, supervision, webchat, email, apiWebhook } = r;
  // What each commit tells, in this order: routing (capacity freed, transfers offered again), the
  // supervisor's board, the channels (visitors see replies, email and the API webhook queue them),
  // log compaction, then the apps (fan-out).
  store.onCommit((c) => routing.onCommit(c));
  store.onCommit((c) => supervision.onChanges(c.changes));
  store.onCommit((c) => webchat.onChanges(c.changes));
  store.onCommit((c) => email.onChanges(c.changes));
  store.onCommit((c) => apiWebhook.onChanges(c.changes));
  // Compaction rides on writes so a log never grows far past its retention between timer runs.
  store.onCommit(() => {
    if (store.head() - store.floor() > o.logRetention) store.compact(o.logRetention);
  });
  store.onCommit((c) => hub.fanOut(c));
  const compaction = setInterval(
    guarded(log, 'log compaction', () => store.compact(o.logRetention)),
    60_000,
  );
  compaction.unref();
  // One relay ticks the SLA and snooze timer: the lease's holder (on SQLite, always this one).
  const slaLease = createLeaseKeeper({
    table: soleOwnerLeases(),
    owner: 'this relay',
    queues: () => [SLA_TIMER_LEASE],
    onError: (err) => log.warn({ err }, 'sla timer lease round failed'),
  });
  const timers = createSlaTimers(
    {
      store: asyncStore,
      queries: sqliteSlaQueries(db),
      owns: () => slaLease.owns(SLA_TIMER_LEASE),
      relayClock,
      log,
      now: o.now,
      route: (id) => routing.enqueue(id),
      onTick: (r) => {
        metrics.timerRuns += 1;
        metrics.snoozesWoken += r.woken;
        metrics.slaBreaches += r.breaches.firstResponse + r.breaches.resolution;
      },
    },
    opts.sla ?? {},
  );

  return {
    close(): void {
      clearInterval(compaction);
      void timers.close();
      void slaLease.stop();
    },
  };
}
