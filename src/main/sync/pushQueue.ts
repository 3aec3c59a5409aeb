import type { PushedMutation } from '../../shared/sync/protocol';
import type { PendingMutation } from '../store/outbox';

export type PushQueueOptions = {
  /** The outbox, oldest first. */
  pending: (limit: number) => PendingMutation[];
  /** Mutations per push (the relay accepts up to 500). */
  batchSize: number;
  /** Serialized size a push batch stays under (the relay's frame limit is 1 MiB). */
  maxBatchBytes: number;
  /** Push batches in flight at once (answers still come in order). */
  pipeline: number;
};

/** A push frame ready to send, and the ids of the mutations in it. */
export type PushFrame = { batch: number; ids: string[]; text: string };

/**
 * The outbox's way to the relay: batches in flight (at most `pipeline`, answered in order), and
 * how large the next one may be (halved when the relay says a batch was too large).
 */
export class PushQueue {
  /** Batches sent and not yet answered, oldest first. */
  private inflight: { batch: number; ids: string[] }[] = [];
  private batchNo = 0;
  private batchSize: number;

  constructor(private readonly o: PushQueueOptions) {
    this.batchSize = o.batchSize;
  }

  hasRoom(): boolean {
    return this.inflight.length < this.o.pipeline;
  }

  isIdle(): boolean {
    return this.inflight.length === 0;
  }

  /** Forgets the batches in flight (the connection is gone; their mutations are resent). */
  reset(): void {
    this.inflight = [];
  }

  /** The next batch of the outbox after those in flight, counted as in flight; null when none waits. */
  next(): PushFrame | null {
    const skip = this.inflight.reduce((n, b) => n + b.ids.length, 0);
    const pending = this.o.pending(skip + this.batchSize).slice(skip);
    if (pending.length === 0) return null;
    const { ids, mutations } = encodeBatch(pending, this.o.maxBatchBytes);
    const batch = ++this.batchNo;
    this.inflight.push({ batch, ids });
    return { batch, ids, text: `{"t":"push","batch":${batch},"mutations":[${mutations}]}` };
  }

  /**
   * The relay answered `batch`: true when it is the oldest in flight (now answered). An unknown
   * batch (sent on an earlier connection) is ignored: its mutations are still in the outbox.
   */
  answered(batch: number): boolean {
    if (this.inflight[0]?.batch !== batch) return false;
    this.inflight.shift();
    return true;
  }

  /** The relay refused `batch` as too large: true when it was the oldest, and batches are halved. */
  tooLarge(batch: number | undefined): boolean {
    const oldest = this.inflight[0];
    if (batch === undefined || oldest?.batch !== batch) return false;
    this.batchSize = Math.max(1, Math.floor(oldest.ids.length / 2));
    // Later batches may still be answered; ignored, their mutations are resent (as duplicates if
    // the relay applied them).
    this.inflight = [];
    return true;
  }
}

/**
 * As many of `pending` as fit in `maxBytes` (the first always goes, alone if need be), as JSON
 * joined for the frame's `mutations` array. A batch of long replies must not exceed the relay's
 * frame limit (it would close the socket with 1009, and the same batch would be resent forever).
 * Each mutation is encoded once: its size counts against the budget and its text goes into the
 * frame as is (the same JSON as encoding the whole frame).
 */
export function encodeBatch(
  pending: readonly PendingMutation[],
  maxBytes: number,
): { ids: string[]; mutations: string } {
  const parts: string[] = [];
  const ids: string[] = [];
  let bytes = 64;
  for (const m of pending) {
    const wire: PushedMutation = { id: m.id, name: m.name, args: m.args, clock: m.clock };
    const text = JSON.stringify(wire);
    const size = Buffer.byteLength(text) + 1;
    if (parts.length > 0 && bytes + size > maxBytes) break;
    parts.push(text);
    ids.push(m.id);
    bytes += size;
  }
  return { ids, mutations: parts.join(',') };
}
