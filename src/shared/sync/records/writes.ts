import { labelsAfter, raisedField } from '../derived';
import type { Entity } from '../entities';
import type { Hlc } from '../hlc';
import { mergeFields, type FieldOutcome } from '../merge';

export type RecordKey = { entity: Entity; id: string };
/** A record's state: its fields, per-field clocks (mutable kinds) and tombstone flag. */
export type RecordState = { data: Record<string, unknown>; clocks: Record<string, Hlc>; deleted: boolean };

type Target = {
  key: RecordKey;
  /** Conversation whose visibility the record shares (a conversation's own id), or null. */
  convId: string | null;
};

/**
 * One write a mutation makes, as data: the record builders return these, the app applies them to
 * its optimistic state and the relay to its store (adding field history and log positions), both
 * through applyWrite, so both hold the same record.
 * - `fields`: last writer wins per field (merge.ts);
 * - `append`: an append-only record (message, note, call), kept as is if the id exists;
 * - `raise`: a field that only rises (derived.ts raisedField);
 * - `label`: one add or remove on the labels set (derived.ts labelsAfter).
 */
export type RecordWrite = Target &
  (
    | { kind: 'fields'; fields: Record<string, unknown>; clock: Hlc }
    | { kind: 'append'; data: Record<string, unknown> }
    | { kind: 'raise'; field: string; value: string; clock: Hlc }
    | { kind: 'label'; op: 'add' | 'remove'; label: string; clock: Hlc }
  );

export type AppliedWrite = { state: RecordState; outcomes: FieldOutcome[]; changed: boolean };

/**
 * Applies one write to a record's state (null: no such record). Pure. A write that needs a record
 * (raise, label) leaves a missing one missing; `changed` is false when nothing differs.
 */
export function applyWrite(state: RecordState | null, w: RecordWrite): AppliedWrite | null {
  switch (w.kind) {
    case 'fields': {
      const m = mergeFields(state, w.fields, w.clock);
      return {
        state: { data: m.data, clocks: m.clocks, deleted: state?.deleted ?? false },
        outcomes: m.outcomes,
        changed: m.changed || !state,
      };
    }
    case 'append':
      if (state) return { state, outcomes: [], changed: false };
      return { state: { data: w.data, clocks: {}, deleted: false }, outcomes: [], changed: true };
    case 'raise': {
      if (!state) return null;
      const to = raisedField({ value: state.data[w.field], clock: state.clocks[w.field] }, w.value, w.clock);
      return to ? withField(state, w.field, to, false) : { state, outcomes: [], changed: false };
    }
    case 'label': {
      if (!state) return null;
      const held = { value: state.data['labels'], clock: state.clocks['labels'] };
      const to = labelsAfter(held, w.op, w.label, w.clock);
      return to ? withField(state, 'labels', to, true) : { state, outcomes: [], changed: false };
    }
    default: {
      const never: never = w;
      throw new Error(`unknown write ${String((never as { kind?: unknown }).kind)}`);
    }
  }
}

function withField(
  state: RecordState,
  field: string,
  to: { value: unknown; clock: Hlc },
  outcome: boolean,
): AppliedWrite {
  return {
    state: {
      data: { ...state.data, [field]: to.value },
      clocks: { ...state.clocks, [field]: to.clock },
      deleted: state.deleted,
    },
    outcomes: outcome ? [{ field, value: to.value, outcome: 'won' }] : [],
    changed: true,
  };
}
