import { canonicalJson } from './canonicalJson';
import type { Hlc } from './hlc';

/** A record's fields and their clocks (mutable kinds). */
export type FieldState = { data: Record<string, unknown>; clocks: Record<string, Hlc> };

/** What became of one incoming field: it took the field (`won`) or the value in place stayed (`lost`). */
export type FieldOutcome = { field: string; value: unknown; outcome: 'won' | 'lost' };

/**
 * The one tie rule of last-writer-wins, used by the app and the relay alike: the later clock wins
 * (HLC strings order by plain comparison); on equal clocks the greater canonical JSON of the value
 * wins. So the winner of a field is the maximum of its writes by (clock, canonical value), and two
 * sides applying the same writes in any order hold the same value. `same`: the very write in
 * place (equal clock and value), which changes nothing and is no outcome.
 */
export function compareWrite(
  incoming: { clock: Hlc; value: unknown },
  held: { clock: Hlc | undefined; value: unknown },
): 'won' | 'lost' | 'same' {
  if (held.clock === undefined || incoming.clock > held.clock) return 'won';
  if (incoming.clock < held.clock) return 'lost';
  const a = canonicalJson(incoming.value);
  const b = canonicalJson(held.value);
  return a > b ? 'won' : a < b ? 'lost' : 'same';
}

/**
 * Merges `incoming` fields written at `clock` into `current` (null: a new record), field by field
 * by compareWrite. Undefined fields are skipped. Returns the merged state, one outcome per field
 * that won or lost (the relay keeps both in field history), and whether anything changed.
 */
export function mergeFields(
  current: FieldState | null,
  incoming: Record<string, unknown>,
  clock: Hlc,
): FieldState & { outcomes: FieldOutcome[]; changed: boolean } {
  const data = { ...current?.data };
  const clocks = { ...current?.clocks };
  const outcomes: FieldOutcome[] = [];
  let changed = false;
  for (const [field, value] of Object.entries(incoming)) {
    if (value === undefined) continue;
    const result = compareWrite({ clock, value }, { clock: clocks[field], value: data[field] });
    if (result === 'same') continue;
    if (result === 'won') {
      data[field] = value;
      clocks[field] = clock;
      changed = true;
    }
    outcomes.push({ field, value, outcome: result });
  }
  return { data, clocks, outcomes, changed };
}
