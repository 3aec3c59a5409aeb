import { decodeHlc, type Hlc } from '../hlc';
import type { RecordKey, RecordState } from './writes';

/**
 * What a record builder may know, the same on both sides: who acts, when (the mutation's clock, so
 * a replay builds alike), and the records as they stand (the app's optimistic state, the relay's
 * store). Anything else a builder needs is an explicit input of its mutation (see index.ts).
 */
export type BuildContext = {
  agentId: string | null;
  clock: Hlc;
  read: (k: RecordKey) => RecordState | null;
};

export const recordKey = (entity: RecordKey['entity'], id: string): RecordKey => ({ entity, id });

/** The time an agent did something: the wall part of its mutation's clock, ISO. */
export function wallIso(clock: Hlc): string {
  return new Date(decodeHlc(clock).wall).toISOString();
}

/** A live record's state (null when absent or a tombstone). */
export function live(ctx: BuildContext, k: RecordKey): RecordState | null {
  const s = ctx.read(k);
  return s && !s.deleted ? s : null;
}
