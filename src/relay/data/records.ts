import { NO_HISTORY_FIELDS } from '../../shared/sync/derived';
import type { Entity } from '../../shared/sync/entities';
import { type Hlc, type HlcClock } from '../../shared/sync/hlc';
import type { FieldOutcome } from '../../shared/sync/merge';
import { applyWrite, wallIso, type AppliedWrite, type RecordWrite } from '../../shared/sync/records';
import type { StoredRecord, Store, WriteMeta } from './store';

export type FieldWrite = {
  entity: Entity;
  id: string;
  fields: Record<string, unknown>;
  clock: Hlc;
  /** Conversation whose visibility the record shares (a conversation's own id), or null. */
  convId: string | null;
  at: string;
};

/**
 * Applies one write of the sync core (shared/sync/records) to the store, with what only the relay
 * keeps: the log position, and field history. Every value written to an existing record, winner
 * or loser, becomes a fieldChange record (but NO_HISTORY_FIELDS). A record's first values are not
 * copied into history (they are in the record, with their clocks); the first time a field is
 * overwritten, its previous value is put in history first, so nothing is lost. Returns the
 * record's position (unchanged when nothing changed). Run inside a transaction.
 */
export function applyRecordWrite(
  store: Store,
  w: RecordWrite,
  at: string,
  meta: WriteMeta,
  /** The record as just read in this transaction, when the caller has it; undefined: read it. */
  held?: StoredRecord | null,
): { seq: number; outcomes: FieldOutcome[] } {
  const current = held === undefined ? store.get(w.key.entity, w.key.id) : held;
  const base = current && !current.deleted ? current : null;
  const applied = applyWrite(base && { data: base.data, clocks: base.clocks, deleted: false }, w);
  if (!applied) return { seq: 0, outcomes: [] };
  let seq = base?.seq ?? 0;
  if (applied.changed) {
    const { data, clocks } = applied.state;
    seq = store.put({ ...w.key, data, clocks, deleted: false, convId: w.convId }, meta);
  }
  if (base) writeHistory(store, w, base, applied, at, meta);
  return { seq, outcomes: applied.outcomes };
}

function writeHistory(
  store: Store,
  w: RecordWrite,
  base: StoredRecord,
  applied: AppliedWrite,
  at: string,
  meta: WriteMeta,
): void {
  const { entity, id: recordId } = w.key;
  const fc = (
    field: string,
    value: unknown,
    clock: Hlc,
    outcome: 'won' | 'lost',
    by: string | null,
    on: string,
  ) =>
    store.putFieldChange(
      { entity, recordId, field, value, clock, authorId: by, at: on, outcome },
      w.convId,
      meta,
    );
  for (const o of applied.outcomes) {
    if (NO_HISTORY_FIELDS.has(o.field)) continue;
    const heldClock = base.clocks[o.field];
    if (o.outcome === 'won' && heldClock !== undefined && !store.hasHistory(entity, recordId, o.field)) {
      // Author unknown: the baseline came with the record's creation, not a recorded edit.
      fc(o.field, base.data[o.field], heldClock, 'won', null, wallIso(heldClock));
    }
    // A winner carries the clock the field now has (a derived field's rule may keep the held one).
    const clock = o.outcome === 'won' ? applied.state.clocks[o.field] : 'clock' in w ? w.clock : undefined;
    if (clock !== undefined) fc(o.field, o.value, clock, o.outcome, meta.agentId, at);
  }
}

/** Creates or merges a mutable record field by field (LWW by HLC, shared/sync/merge.ts); see applyRecordWrite. */
export function writeFields(
  store: Store,
  w: FieldWrite,
  meta: WriteMeta,
): { seq: number; outcomes: FieldOutcome[] } {
  const write: RecordWrite = {
    kind: 'fields',
    key: { entity: w.entity, id: w.id },
    convId: w.convId,
    fields: w.fields,
    clock: w.clock,
  };
  return applyRecordWrite(store, write, w.at, meta);
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
 * Raises a conversation's lastMessageAt to `to` when that is later (a maximum over its messages,
 * shared/sync/derived.ts), for messages the relay writes itself (channels). Run inside a transaction.
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
  const w: RecordWrite = {
    kind: 'raise',
    key: { entity: 'conversation', id: conv.id },
    convId: conv.id,
    field: 'lastMessageAt',
    value: to,
    clock: relayClock.now(),
  };
  applyRecordWrite(store, w, at, meta);
}
