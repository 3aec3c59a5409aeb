import type { Entity } from '../shared/sync/entities';
import { decodeHlc, type Hlc, type HlcClock } from '../shared/sync/hlc';
import { mergeFields, type FieldOutcome } from './merge';
import type { StoredRecord, Store, WriteMeta } from './store';

export type FieldWrite = {
  entity: Entity;
  id: string;
  fields: Record<string, unknown>;
  clock: Hlc;
  /** Conversation whose visibility the record shares (a conversation's own id), or null. */
  convId: string | null;
  at: string;
  /** Fields merged without a history entry: derived values such as lastMessageAt. */
  noHistory?: ReadonlySet<string>;
};

/**
 * Creates or merges a mutable record field by field (LWW by HLC) and keeps every value written to
 * an existing record, winner or loser, as a fieldChange record. A record's first values are not
 * copied into history (they are in the record, with their clocks); the first time a field is
 * overwritten, its previous value is put in history first, so nothing is lost. Returns the
 * record's position (unchanged when every field lost). Run inside a transaction.
 */
export function writeFields(
  store: Store,
  w: FieldWrite,
  meta: WriteMeta,
): { seq: number; outcomes: FieldOutcome[] } {
  const current = store.get(w.entity, w.id);
  const base = current && !current.deleted ? current : null;
  const merged = mergeFields(base ?? { data: {}, clocks: {} }, w.fields, w.clock);
  let seq = base?.seq ?? 0;
  if (merged.changed || !base) {
    seq = store.put(
      {
        entity: w.entity,
        id: w.id,
        data: merged.data,
        clocks: merged.clocks,
        deleted: false,
        convId: w.convId,
      },
      meta,
    );
  }
  if (!base) return { seq, outcomes: merged.outcomes };
  const fc = (
    field: string,
    value: unknown,
    clock: Hlc,
    outcome: 'won' | 'lost',
    authorId: string | null,
    at: string,
  ) =>
    store.putFieldChange(
      { entity: w.entity, recordId: w.id, field, value, clock, authorId, at, outcome },
      w.convId,
      meta,
    );
  for (const o of merged.outcomes) {
    if (w.noHistory?.has(o.field)) continue;
    const heldClock = base.clocks[o.field];
    if (o.outcome === 'won' && heldClock !== undefined && !store.hasHistory(w.entity, w.id, o.field)) {
      // Author unknown: the baseline came with the record's creation, not a recorded edit.
      fc(
        o.field,
        base.data[o.field],
        heldClock,
        'won',
        null,
        new Date(decodeHlc(heldClock).wall).toISOString(),
      );
    }
    fc(o.field, o.value, w.clock, o.outcome, meta.agentId, w.at);
  }
  return { seq, outcomes: merged.outcomes };
}

/** Adds an append-only record (message, note, call); returns its position. Run inside a transaction. */
export function appendRecord(
  store: Store,
  entity: Entity,
  id: string,
  data: Record<string, unknown>,
  convId: string | null,
  meta: WriteMeta,
): number {
  return store.put({ entity, id, data, clocks: {}, deleted: false, convId }, meta);
}

/**
 * Raises a conversation's lastMessageAt to `to` when that is later. It is a maximum the relay
 * derives from messages, not a last-writer field: stamped with a fresh relay clock so the later
 * time always wins even when the message's own clock is older than the field's; no history.
 * Run inside a transaction.
 */
export function raiseLastMessageAt(
  store: Store,
  relayClock: HlcClock,
  conv: StoredRecord,
  to: string,
  at: string,
  meta: WriteMeta,
): void {
  if (to <= String(conv.data['lastMessageAt'] ?? '')) return;
  writeFields(
    store,
    {
      entity: 'conversation',
      id: conv.id,
      fields: { lastMessageAt: to },
      clock: relayClock.now(),
      convId: conv.id,
      at,
      noHistory: LAST_MESSAGE_AT,
    },
    meta,
  );
}
const LAST_MESSAGE_AT: ReadonlySet<string> = new Set(['lastMessageAt']);
