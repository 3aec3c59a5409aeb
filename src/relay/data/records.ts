import { NO_HISTORY_FIELDS } from '../../shared/sync/derived';
import type { Entity, FieldChangeData } from '../../shared/sync/entities';
import { type Hlc, type HlcClock } from '../../shared/sync/hlc';
import type { FieldOutcome } from '../../shared/sync/merge';
import { applyWrite, wallIso, type AppliedWrite, type RecordWrite } from '../../shared/sync/records';
import type { AsyncTx } from './asyncStore';
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
 * What a record write asks of the store: the synchronous Store and an async transaction (AsyncTx)
 * both answer it, one by returning values, the other promises. The rule below is written once, as
 * a sequence of steps (a generator), and run by `onStore` or `onTx`.
 */
type RecordOps = {
  get(entity: Entity, id: string): StoredRecord | null | Promise<StoredRecord | null>;
  hasHistory(entity: Entity, id: string, field: string): boolean | Promise<boolean>;
  put(rec: Omit<StoredRecord, 'seq'>, meta: WriteMeta): number | Promise<number>;
  putFieldChange(fc: FieldChangeData, convId: string | null, meta: WriteMeta): number | Promise<number>;
};
type Step = (s: RecordOps) => unknown;
type Steps<R> = Generator<Step, R, unknown>;

/** One step of a record write: what `ask` returns is the store's answer (awaited on a tx). */
function* ask<T>(step: (s: RecordOps) => T | Promise<T>): Generator<Step, T, unknown> {
  return (yield step) as T;
}

/** Several answers at once: on a tx one await for all of them, asked in order. */
const all = <T>(xs: (T | Promise<T>)[]): T[] | Promise<T[]> =>
  xs.some((x) => x instanceof Promise) ? Promise.all(xs) : (xs as T[]);

function onStore<R>(store: Store, steps: Steps<R>): R {
  let next = steps.next();
  while (!next.done) next = steps.next(next.value(store));
  return next.value;
}

async function onTx<R>(tx: AsyncTx, steps: Steps<R>): Promise<R> {
  let next = steps.next();
  while (!next.done) next = steps.next(await next.value(tx));
  return next.value;
}

/** The record's position, each field's outcome, and the newest position the write took (0: none). */
type WriteResult = { seq: number; outcomes: FieldOutcome[]; last: number };

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
): WriteResult {
  return onStore(store, recordWriteSteps(w, at, meta, held));
}

/** applyRecordWrite on the asynchronous store contract (asyncStore.ts): the same rule, through a transaction's tx. */
export function applyRecordWriteAsync(
  tx: AsyncTx,
  w: RecordWrite,
  at: string,
  meta: WriteMeta,
  held?: StoredRecord | null,
): Promise<WriteResult> {
  return onTx(tx, recordWriteSteps(w, at, meta, held));
}

function* recordWriteSteps(
  w: RecordWrite,
  at: string,
  meta: WriteMeta,
  held: StoredRecord | null | undefined,
): Steps<WriteResult> {
  const { entity, id } = w.key;
  const current = held === undefined ? yield* ask((s) => s.get(entity, id)) : held;
  const base = current && !current.deleted ? current : null;
  const applied = applyWrite(base && { data: base.data, clocks: base.clocks, deleted: false }, w);
  if (!applied) return { seq: 0, outcomes: [], last: 0 };
  let seq = base?.seq ?? 0;
  let last = 0;
  if (applied.changed) {
    const { data, clocks } = applied.state;
    seq = last = yield* ask((s) => s.put({ ...w.key, data, clocks, deleted: false, convId: w.convId }, meta));
  }
  if (base) {
    // Asked before any of this write's history is kept: each outcome is another field.
    const fields = baselineCandidates(base, applied);
    const has =
      fields.length === 0 ? [] : yield* ask((s) => all(fields.map((f) => s.hasHistory(entity, id, f))));
    const had = new Set(fields.filter((_, i) => has[i]));
    const history = historyOf(w, base, applied, at, meta, (f) => had.has(f));
    // In order: the store writes them one after the other as asked.
    if (history.length > 0) {
      const seqs = yield* ask((s) => all(history.map((fc) => s.putFieldChange(fc, w.convId, meta))));
      last = Math.max(last, ...seqs);
    }
  }
  return { seq, outcomes: applied.outcomes, last };
}

/** Fields whose held value may need copying into history before it is overwritten. */
function baselineCandidates(base: StoredRecord, applied: AppliedWrite): string[] {
  return applied.outcomes
    .filter(
      (o) => !NO_HISTORY_FIELDS.has(o.field) && o.outcome === 'won' && base.clocks[o.field] !== undefined,
    )
    .map((o) => o.field);
}

/**
 * The field changes a write to an existing record leaves, in order: for each field (but
 * NO_HISTORY_FIELDS), the held value first when it wins over a value never kept in history
 * (`had` says whether the field has any), then the value written, won or lost.
 */
function historyOf(
  w: RecordWrite,
  base: StoredRecord,
  applied: AppliedWrite,
  at: string,
  meta: WriteMeta,
  had: (field: string) => boolean,
): FieldChangeData[] {
  const { entity, id: recordId } = w.key;
  const out: FieldChangeData[] = [];
  const candidates = new Set(baselineCandidates(base, applied));
  for (const o of applied.outcomes) {
    if (NO_HISTORY_FIELDS.has(o.field)) continue;
    const heldClock = base.clocks[o.field];
    if (candidates.has(o.field) && heldClock !== undefined && !had(o.field)) {
      // Author unknown: the baseline came with the record's creation, not a recorded edit.
      out.push({
        entity,
        recordId,
        field: o.field,
        value: base.data[o.field],
        clock: heldClock,
        authorId: null,
        at: wallIso(heldClock),
        outcome: 'won',
      });
    }
    // A winner carries the clock the field now has (a derived field's rule may keep the held one).
    const clock = o.outcome === 'won' ? applied.state.clocks[o.field] : 'clock' in w ? w.clock : undefined;
    if (clock !== undefined)
      out.push({
        entity,
        recordId,
        field: o.field,
        value: o.value,
        clock,
        authorId: meta.agentId,
        at,
        outcome: o.outcome,
      });
  }
  return out;
}

/** Creates or merges a mutable record field by field (LWW by HLC, shared/sync/merge.ts); see applyRecordWrite. */
export function writeFields(store: Store, w: FieldWrite, meta: WriteMeta): WriteResult {
  return applyRecordWrite(store, fieldsWrite(w), w.at, meta);
}

const fieldsWrite = (w: FieldWrite): RecordWrite => ({
  kind: 'fields',
  key: { entity: w.entity, id: w.id },
  convId: w.convId,
  fields: w.fields,
  clock: w.clock,
});

/** writeFields on the asynchronous store contract, through a transaction's tx. */
export function writeFieldsAsync(
  tx: AsyncTx,
  w: FieldWrite,
  meta: WriteMeta,
  /** The record as just read in this transaction, when the caller has it; undefined: read it. */
  held?: StoredRecord | null,
): Promise<WriteResult> {
  return applyRecordWriteAsync(tx, fieldsWrite(w), w.at, meta, held);
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
  applyRecordWrite(store, lastMessageAtRaise(relayClock, conv, to), at, meta);
}

/** raiseLastMessageAt on the asynchronous store contract, through a transaction's tx. */
export async function raiseLastMessageAtAsync(
  tx: AsyncTx,
  relayClock: HlcClock,
  conv: StoredRecord,
  to: string,
  at: string,
  meta: WriteMeta,
): Promise<void> {
  if (to <= String(conv.data['lastMessageAt'] ?? '')) return;
  await applyRecordWriteAsync(tx, lastMessageAtRaise(relayClock, conv, to), at, meta);
}

const lastMessageAtRaise = (relayClock: HlcClock, conv: StoredRecord, to: string): RecordWrite => ({
  kind: 'raise',
  key: { entity: 'conversation', id: conv.id },
  convId: conv.id,
  field: 'lastMessageAt',
  value: to,
  clock: relayClock.now(),
});
