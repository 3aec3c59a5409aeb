import type { Hlc } from '../shared/sync/hlc';
import { RELAY_ERR } from '../shared/sync/protocol';
import { RelayError } from './errors';

export type FieldOutcome = { field: string; value: unknown; outcome: 'won' | 'lost' };

/**
 * Last-writer-wins per field by HLC. Each incoming field wins when its clock is later than the
 * field's clock in place (HLC strings order by plain comparison); otherwise it lost. Both kinds of
 * outcome are returned so the caller can keep every value in field history.
 */
export function mergeFields(
  current: { data: Record<string, unknown>; clocks: Record<string, Hlc> },
  incoming: Record<string, unknown>,
  clock: Hlc,
): {
  data: Record<string, unknown>;
  clocks: Record<string, Hlc>;
  outcomes: FieldOutcome[];
  changed: boolean;
} {
  const data = { ...current.data };
  const clocks = { ...current.clocks };
  const outcomes: FieldOutcome[] = [];
  let changed = false;
  for (const [field, value] of Object.entries(incoming)) {
    if (value === undefined) continue;
    const held = clocks[field];
    if (held === undefined || clock > held) {
      data[field] = value;
      clocks[field] = clock;
      outcomes.push({ field, value, outcome: 'won' });
      changed = true;
    } else {
      outcomes.push({ field, value, outcome: 'lost' });
    }
  }
  return { data, clocks, outcomes, changed };
}

/**
 * Deepest nesting canonicalJson walks. Inputs are depth-checked at the relay's entry (maxJsonDepth),
 * so this only stops a bug from turning into a stack overflow.
 */
const CANONICAL_MAX_DEPTH = 1_000;

/** JSON with object keys sorted, so equal content hashes equally whatever the key order. */
export function canonicalJson(v: unknown, depth = 0): string {
  if (depth > CANONICAL_MAX_DEPTH)
    throw new RelayError(RELAY_ERR.TOO_DEEP, `The value nests deeper than ${CANONICAL_MAX_DEPTH} levels.`);
  if (Array.isArray(v)) return `[${v.map((x) => canonicalJson(x, depth + 1)).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k], depth + 1)}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
