import type { DeliveryState } from '../../../shared/sync/entities';
import { guarded } from '../../core/guard';
import type { Logger } from '../../core/logger';
import type { AsyncTx } from '../../data/asyncStore';

const SYSTEM = { mutationId: null, agentId: null };

/** The state of an outbox row: a delivery state, or `sending` while an attempt is under way. */
export type OutboxState = DeliveryState | 'sending';

/**
 * Writes a delivery state onto the message record in `tx`, so apps show it (the reason cut to
 * 500 characters; `at` in ms); a message that is gone is left alone.
 */
export async function markDelivery(
  tx: AsyncTx,
  at: number,
  messageId: string,
  state: DeliveryState,
  reason?: string | null,
): Promise<void> {
  const rec = await tx.get('message', messageId);
  if (!rec) return;
  const delivery = {
    state,
    at: new Date(at).toISOString(),
    ...(reason ? { reason: reason.slice(0, 500) } : {}),
  };
  await tx.put({ ...rec, data: { ...rec.data, delivery } }, SYSTEM);
}

/** An outbox's tables in the store's transaction style (data/emailData.ts, data/webhookData.ts). */
export type OutboxTables<Tx extends { records: AsyncTx }> = {
  transaction<R>(fn: (tx: Tx) => Promise<R>): Promise<R>;
};

/**
 * Records a row's new state in one transaction: `writeRow` updates the outbox's own table and,
 * unless the row is only claimed (`sending`, committed before the attempt so a restart knows of
 * it), the delivery state goes onto the message record too. `writeRow` resolving to false (a
 * conditional update another relay's change got ahead of) writes nothing else; resolves to
 * whether the row was written.
 */
export function recordState<Tx extends { records: AsyncTx }>(
  d: { data: OutboxTables<Tx>; now: () => number },
  messageId: string,
  state: OutboxState,
  reason: string | null,
  writeRow: (tx: Tx) => Promise<boolean>,
): Promise<boolean> {
  return d.data.transaction(async (tx) => {
    if (!(await writeRow(tx))) return false;
    if (state !== 'sending') await markDelivery(tx.records, d.now(), messageId, state, reason);
    return true;
  });
}

/** How an outbox waits between attempts; `maxRetryMs` defaults to no cap, `random` to no jitter. */
export type Backoff = { retryMs: number; maxRetryMs?: number; random?: () => number };

/**
 * The wait before the attempt after `attempts` failed ones: none before the first, then `retryMs`
 * doubling per attempt up to `maxRetryMs`; with `random`, half of it is jitter.
 */
export function retryWait(attempts: number, b: Backoff): number {
  if (attempts <= 0) return 0;
  const full = Math.min(b.maxRetryMs ?? Infinity, b.retryMs * 2 ** (attempts - 1));
  return b.random ? Math.round(full / 2 + (full / 2) * b.random()) : full;
}

/** What a worker needs of its outbox: the rows due, and one look at each. */
export type OutboxWork<Row> = {
  log: Logger;
  /** Names the outbox in logs (`<what> failed`). */
  what: string;
  now: () => number;
  /** The rows to look at now (a bounded batch), oldest first. */
  due: () => Row[] | Promise<Row[]>;
  /** Looks at one row once (sending it, or settling it); returns when it wants another look. */
  visit: (row: Row) => Promise<number | null | void>;
  /** When the next row not in this batch falls due, if the rows keep their own times. */
  nextDue?: () => number | null | undefined | Promise<number | null | undefined>;
};

/**
 * The loop every durable outbox runs: a pass over the rows due, one at a time, never two passes at
 * once (a kick during a pass asks for another right after), then a timer for the soonest row that
 * is waiting. A failed pass is logged and the next kick runs as usual; `close` stops at the next
 * row and clears the timer.
 */
export function createOutboxWorker<Row>(w: OutboxWork<Row>) {
  let running = false;
  let again = false;
  let closed = false;
  let timer: NodeJS.Timeout | null = null;

  /** One pass over the due rows; the soonest time a row asked to be looked at again. */
  async function pass(): Promise<number | null> {
    let soonest = Infinity;
    for (const row of await w.due()) {
      if (closed) return null;
      const at = await w.visit(row);
      if (typeof at === 'number') soonest = Math.min(soonest, at);
    }
    const next = await w.nextDue?.();
    if (typeof next === 'number') soonest = Math.min(soonest, next);
    return soonest < Infinity ? soonest : null;
  }

  async function work(): Promise<void> {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      let soonest: number | null = null;
      do {
        again = false;
        soonest = await pass();
      } while (again && !closed);
      if (closed) return;
      if (timer) clearTimeout(timer);
      timer = null;
      if (soonest !== null) {
        timer = setTimeout(kick, Math.max(50, soonest - w.now()));
        timer.unref();
      }
    } finally {
      running = false;
    }
  }

  const kick = guarded(w.log, w.what, () => work());

  return {
    /** Starts a pass (or asks for one more after the pass under way). */
    kick,
    isClosed: () => closed,
    /** Stops: no row is looked at after the one under way, no timer is left. */
    close(): void {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}

export type OutboxWorker = ReturnType<typeof createOutboxWorker>;
