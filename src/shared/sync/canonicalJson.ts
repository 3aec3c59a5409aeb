import { RELAY_ERR } from './protocol';
import { SyncRefusal } from './refusal';

/**
 * Deepest nesting canonicalJson walks. The relay depth-checks its inputs at entry (maxJsonDepth)
 * and the app's come from its own schemas, so this only stops a bug from becoming a stack overflow.
 */
export const CANONICAL_MAX_DEPTH = 1_000;

/**
 * JSON with object keys sorted (by code unit) at every depth and undefined members left out, so
 * equal content gives equal text whatever the key order: mutation hashes, state hashes, and the
 * merge's tie rule. Throws SyncRefusal RELAY_ERR_TOO_DEEP past CANONICAL_MAX_DEPTH.
 */
export function canonicalJson(v: unknown, depth = 0): string {
  if (depth > CANONICAL_MAX_DEPTH)
    throw new SyncRefusal(RELAY_ERR.TOO_DEEP, `The value nests deeper than ${CANONICAL_MAX_DEPTH} levels.`);
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
