import WebSocket from 'ws';
import type { PushOutcome } from '../../shared/sync/protocol';
import type { Logger } from '../base/logger';
import type { LocalStore } from '../store/localStore';
import { PushQueue } from './pushQueue';
import type { Conn } from './socket';
import type { SyncLimits } from './syncOptions';
import type { SyncState, SyncStatePatch } from './syncState';

export type OutboxPushOptions = {
  store: LocalStore;
  log: Logger;
  limits: Pick<SyncLimits, 'batchSize' | 'maxBatchBytes' | 'pipeline'>;
  /** The sync client's current socket, if any. */
  conn: () => Conn | null;
  /** Snapshot progress as the client's state shows it (online waits for the snapshot's end). */
  progress: () => SyncState['progress'];
  update: (patch: SyncStatePatch) => void;
};

/**
 * The outbox's side of the sync client: pushes batches while the connection is caught up, takes
 * the relay's answers, says online once nothing is in flight, and then indexes the search backlog.
 */
export class OutboxPush {
  private readonly queue: PushQueue;
  private indexing = false;

  constructor(private readonly o: OutboxPushOptions) {
    this.queue = new PushQueue({
      pending: (limit) => o.store.pending(limit),
      batchSize: o.limits.batchSize,
      maxBatchBytes: o.limits.maxBatchBytes,
      pipeline: o.limits.pipeline,
    });
  }

  /** Forgets the batches in flight (the connection is gone; their mutations are resent). */
  reset(): void {
    this.queue.reset();
  }

  /**
   * Keeps up to `pipeline` batches of the outbox in flight while the connection is caught up, so
   * the relay applies one batch while this app applies the changes of the previous one.
   */
  pushNext(): void {
    const c = this.o.conn();
    while (c && c.caughtUp && c.ws.readyState === WebSocket.OPEN && this.queue.hasRoom()) {
      const frame = this.queue.next();
      if (frame === null) return this.settle();
      c.ws.send(frame.text);
      this.o.store.markSent(frame.ids);
      this.o.update({ status: 'syncing' });
    }
  }

  /** The relay's answer to `batch`: acknowledged in the outbox, and the next batch goes. */
  answered(batch: number, results: readonly PushOutcome[]): void {
    // Answers come in the order batches were sent (see PushQueue.answered).
    if (!this.queue.answered(batch)) return;
    this.o.store.acknowledge(results);
    this.pushNext();
    this.settle();
  }

  /** The relay refused `batch` as too large: pushed again in smaller batches. */
  tooLarge(batch: number | undefined): void {
    if (this.queue.tooLarge(batch)) this.pushNext();
  }

  /** online once caught up with nothing in flight. */
  settle(): void {
    const c = this.o.conn();
    if (c?.caughtUp && this.queue.isIdle() && this.o.progress() === undefined) {
      this.o.update({ status: 'online' });
      this.indexWhenIdle();
    }
  }

  /** Works through the search backlog a catch-up left, a slice per turn of the event loop. */
  private indexWhenIdle(): void {
    if (this.indexing) return;
    this.indexing = true;
    const step = () => {
      try {
        if (this.o.store.db.open && this.o.store.indexSearchBacklog()) return void setImmediate(step);
      } catch (err) {
        this.o.log.warn({ err }, 'search indexing stopped; it resumes after the next catch-up');
      }
      this.indexing = false;
    };
    setImmediate(step);
  }
}
