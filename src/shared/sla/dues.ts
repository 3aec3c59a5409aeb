import type { ConversationData } from '../sync/entities';
import { addBusinessTime } from './businessTime';
import { calendarOf, type SlaPolicy } from './policy';

// The SLA fields of a conversation and the rules that set them. The relay sets due times when a
// customer writes (channels) and marks breaches (its timer); the sync core clears them when they
// are met (an agent's reply, a resolve), so an app's optimistic record and the relay's agree.

/** The two targets a conversation can owe. */
export const SLA_KINDS = ['firstResponse', 'resolution'] as const;
export type SlaKind = (typeof SLA_KINDS)[number];

/** Where each kind keeps its due time, the due time it last breached, and how often it breached. */
export const SLA_FIELDS = {
  firstResponse: {
    due: 'slaFirstResponseDueAt',
    breachedAt: 'slaFirstResponseBreachedAt',
    breaches: 'slaFirstResponseBreaches',
  },
  resolution: {
    due: 'slaResolutionDueAt',
    breachedAt: 'slaResolutionBreachedAt',
    breaches: 'slaResolutionBreaches',
  },
} as const satisfies Record<SlaKind, Record<string, keyof ConversationData>>;

type Held = Partial<Record<string, unknown>>;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
/** The earlier of the pending due times (the inbox badge and filter read `slaDueAt`). */
const earliest = (a: string | null, b: string | null) => (a && b ? (a < b ? a : b) : (a ?? b));

function dueAfter(nowMs: number, minutes: number | null, p: SlaPolicy): string | null {
  if (minutes === null) return null;
  const due = addBusinessTime(nowMs, minutes * 60_000, calendarOf(p));
  return due === null ? null : new Date(due).toISOString();
}

/**
 * The due times a customer's message sets. A new conversation (`conv` null) or one that was
 * resolved starts both clocks now; otherwise a first response still owed keeps its due time (the
 * clock runs from the first unanswered message), one already given starts again, and the
 * resolution due time stays. No policy: a new conversation gets none, others keep theirs.
 */
export function duesOnCustomerMessage(
  conv: Held | null,
  policy: SlaPolicy | null,
  nowMs: number,
): Pick<ConversationData, 'slaDueAt' | 'slaFirstResponseDueAt' | 'slaResolutionDueAt'> | null {
  const fresh = !conv || conv['status'] === 'resolved';
  if (!policy)
    return fresh ? { slaDueAt: null, slaFirstResponseDueAt: null, slaResolutionDueAt: null } : null;
  const first =
    (!fresh && str(conv['slaFirstResponseDueAt'])) || dueAfter(nowMs, policy.firstResponseMinutes, policy);
  const resolution =
    (!fresh && str(conv['slaResolutionDueAt'])) || dueAfter(nowMs, policy.resolutionMinutes, policy);
  return {
    slaDueAt: earliest(first, resolution),
    slaFirstResponseDueAt: first,
    slaResolutionDueAt: resolution,
  };
}

/** What an agent's reply clears: the first response it gives (null: nothing was owed). */
export function duesOnAgentReply(conv: Held): Partial<ConversationData> | null {
  if (str(conv['slaFirstResponseDueAt']) === null) return null;
  return { slaFirstResponseDueAt: null, slaDueAt: str(conv['slaResolutionDueAt']) };
}

/** What a resolve clears: every due time (met, or no longer owed). Null: none was set. */
export function duesOnResolve(conv: Held): Partial<ConversationData> | null {
  if (!str(conv['slaDueAt']) && !str(conv['slaFirstResponseDueAt']) && !str(conv['slaResolutionDueAt']))
    return null;
  return { slaDueAt: null, slaFirstResponseDueAt: null, slaResolutionDueAt: null };
}

/**
 * The breaches due by `nowMs` and not yet marked: for each, the fields that mark it (the due time
 * it breached, and its count raised by one). Empty for a resolved conversation.
 */
export function breachesAt(conv: Held, nowMs: number): { kind: SlaKind; fields: Record<string, unknown> }[] {
  if (conv['status'] === 'resolved') return [];
  const out: { kind: SlaKind; fields: Record<string, unknown> }[] = [];
  for (const kind of SLA_KINDS) {
    const f = SLA_FIELDS[kind];
    const due = str(conv[f.due]);
    if (!due || Date.parse(due) > nowMs || conv[f.breachedAt] === due) continue;
    const held = conv[f.breaches];
    out.push({
      kind,
      fields: { [f.breachedAt]: due, [f.breaches]: (typeof held === 'number' ? held : 0) + 1 },
    });
  }
  return out;
}
