import type { Hlc } from './hlc';

// Fields that are not an agent's edit but follow from other writes. Each has its own rule instead
// of last writer wins, and the rule also picks the field's clock, so the app's optimistic apply and
// the relay's authoritative apply produce the same record (the clock is the larger of the one held
// and the write's, never a fresh clock of one side).

/**
 * Fields kept without field history: derived values (lastMessageAt, a maximum over messages, and
 * the SLA fields) and read receipts, which are bookkeeping rather than edits anyone would restore.
 */
export const NO_HISTORY_FIELDS: ReadonlySet<string> = new Set([
  'lastMessageAt',
  'agentReadAt',
  'visitorReadAt',
  // SLA due times follow from messages and the inbox's policy (shared/sla/dues.ts); breaches are
  // the relay's marks. Their values are kept on the conversation, not as edits to restore.
  'slaDueAt',
  'slaFirstResponseDueAt',
  'slaResolutionDueAt',
  'slaFirstResponseBreachedAt',
  'slaResolutionBreachedAt',
  'slaFirstResponseBreaches',
  'slaResolutionBreaches',
]);

const laterClock = (held: Hlc | undefined, clock: Hlc): Hlc =>
  held !== undefined && held > clock ? held : clock;

/**
 * A field that only rises (lastMessageAt): `to` replaces the value when later (ISO strings order by
 * comparison), whatever the clocks, so a message with an older clock still counts. Null: no change.
 */
export function raisedField(
  held: { value: unknown; clock: Hlc | undefined },
  to: string,
  clock: Hlc,
): { value: string; clock: Hlc } | null {
  if (to <= String(held.value ?? '')) return null;
  return { value: to, clock: laterClock(held.clock, clock) };
}

/**
 * A set-valued field (a conversation's labels) changed by one operation applied to what is held
 * now, whatever its clock, so concurrent and offline adds of different labels all stay; on the same
 * label, the order of application decides. Null: already so (no-op, hence idempotent).
 */
export function labelsAfter(
  held: { value: unknown; clock: Hlc | undefined },
  op: 'add' | 'remove',
  label: string,
  clock: Hlc,
): { value: string[]; clock: Hlc } | null {
  const labels = heldLabels(held.value);
  if ((op === 'add') === labels.includes(label)) return null;
  return {
    value: op === 'add' ? [...labels, label] : labels.filter((l) => l !== label),
    clock: laterClock(held.clock, clock),
  };
}

/** The labels a record holds (strings only, whatever was stored). */
export function heldLabels(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((l): l is string => typeof l === 'string') : [];
}
