import type { Mutation, MutationName } from '../../shared/sync/mutations';
import type { Db } from './statements';
import type { MutatorContext, RecordChange } from './mutators';
import * as outbox from './outbox';
import {
  confirmedState,
  currentState,
  getRow,
  keyOf,
  setCurrent,
  type RecordKey,
  type RecordState,
} from './records';

// A mutation writes its records from one reading of the state (a reply copies its conversation's
// customer into the message; a merge moves the conversations it finds): when one record it touches
// is recomputed, every record it touches is, or a write that depends on what changed (the customer a
// merge from the relay moved the conversation to) would stay as first built. A merge or its undo
// also writes a conversation it now moves that no pending change touches, so the result is the relay's.
const WHOLE: ReadonlySet<MutationName> = new Set(['customer.merge', 'customer.unmerge']);

type Build = (m: Mutation, read: MutatorContext['read'], wants: MutatorContext['wants']) => RecordChange[];

/**
 * Current state := confirmed state + the pending mutations touching these records, in order
 * (inside the caller's transaction), and so every record those mutations touch, transitively.
 * Writes of a replay beyond the records its mutation touched when made are left alone (they hold
 * its effect already), but for WHOLE mutations.
 */
export function rebase(db: Db, keys: readonly RecordKey[], build: Build): void {
  if (keys.length === 0) return;
  const targets = new Map<string, RecordKey>();
  const working = new Map<string, RecordState | null>();
  const rows = new Map<number, outbox.OutboxRow>();
  const queue: RecordKey[] = [];
  const target = (k: RecordKey) => {
    const id = keyOf(k);
    if (targets.has(id)) return;
    targets.set(id, k);
    const row = getRow(db, k);
    const confirmed = confirmedState(row);
    working.set(id, confirmed);
    queue.push(k);
    // A merge reads which conversations are its customer's: a conversation changed by the relay
    // (one started elsewhere for the customer this app is merging) replays the merges of its customer.
    if (k.entity === 'conversation')
      for (const s of [confirmed, currentState(db, k)]) {
        const c = s?.data['customerId'];
        if (typeof c === 'string') target({ entity: 'customer', id: c });
      }
  };
  for (const k of keys) target(k);
  for (let k = queue.pop(); k; k = queue.pop()) {
    for (const p of outbox.positionsTouching(db, k)) {
      if (rows.has(p)) continue;
      const row = outbox.outboxAt(db, p);
      if (!row) continue;
      rows.set(p, row);
      for (const t of outbox.touchesAt(db, p)) target(t);
    }
  }
  const read = (k: RecordKey) => {
    const id = keyOf(k);
    return working.has(id) ? (working.get(id) ?? null) : currentState(db, k);
  };
  const wanted = (k: RecordKey) => targets.has(keyOf(k));
  const wantedByWhole = (k: RecordKey) => wanted(k) || !outbox.isTouched(db, k);
  for (const p of [...rows.keys()].sort((a, b) => a - b)) {
    const row = rows.get(p)!;
    const whole = WHOLE.has(row.name);
    const writes = build(outbox.toMutation(row), read, whole ? wantedByWhole : wanted);
    for (const w of writes) {
      const id = keyOf(w.key);
      if (!targets.has(id)) targets.set(id, w.key);
      working.set(id, w.state);
    }
    // A merge now moving a conversation it did not when made: a later rebase must rebuild that
    // conversation with the merge (its current state holds the move; the relay's may not yet).
    outbox.addTouches(
      db,
      p,
      writes.map((w) => w.key),
    );
  }
  for (const [id, k] of targets) setCurrent(db, k, working.get(id) ?? null);
}
