import type { Hlc } from '../shared/sync/hlc';

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

/** JSON with object keys sorted, so equal content hashes equally whatever the key order. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
