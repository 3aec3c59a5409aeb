import { z } from 'zod';
import { UUID_RE } from './sync/ids';

/** Capacity is counted per kind of work: a call, chats (chat and messaging apps), emails (and API). */
export const WORK_KINDS = ['call', 'chat', 'email'] as const;
export type WorkKind = (typeof WORK_KINDS)[number];

/** How a queue picks the agent to offer work to. */
export const STRATEGIES = ['round-robin', 'least-busy', 'skills'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** What an agent may hold at once when its record names no capacity: 1 call, 5 chats, 10 emails. */
export const DEFAULT_CAPACITY: Readonly<Record<WorkKind, number>> = { call: 1, chat: 5, email: 10 };

/** Limits of the routing settings, shared by the relay's schemas and the app's forms. */
export const ROUTING_LIMITS = {
  skill: 64,
  queueSkills: 20,
  agentSkills: 50,
  offerTimeoutMs: { min: 5_000, max: 600_000 },
  overflowAfterMs: { min: 10_000, max: 86_400_000 },
  capacity: { call: 10, chat: 50, email: 200 },
} as const;

const uuid = z.string().regex(UUID_RE, 'must be a UUID');
const skill = z.string().min(1).max(ROUTING_LIMITS.skill);
const L = ROUTING_LIMITS;

/** How an inbox's queue routes: kept on the inbox record (`routing`), so it syncs like the inbox. */
export const queueRoutingSchema = z
  .object({
    strategy: z.enum(STRATEGIES),
    requiredSkills: z.array(skill).max(L.queueSkills),
    offerTimeoutMs: z.number().int().min(L.offerTimeoutMs.min).max(L.offerTimeoutMs.max),
    overflow: z
      .object({
        afterMs: z.number().int().min(L.overflowAfterMs.min).max(L.overflowAfterMs.max),
        toInboxId: uuid,
      })
      .strict()
      .nullable(),
  })
  .strict();
export type QueueRouting = z.infer<typeof queueRoutingSchema>;

/** An agent's skills and capacity per kind of work: kept on the agent record. */
export const agentRoutingSchema = z
  .object({
    skills: z.array(skill).max(L.agentSkills).optional(),
    capacity: z
      .object({
        call: z.number().int().min(0).max(L.capacity.call).optional(),
        chat: z.number().int().min(0).max(L.capacity.chat).optional(),
        email: z.number().int().min(0).max(L.capacity.email).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type AgentRouting = z.infer<typeof agentRoutingSchema>;

export const DEFAULT_QUEUE_ROUTING: QueueRouting = {
  strategy: 'least-busy',
  requiredSkills: [],
  offerTimeoutMs: 30_000,
  overflow: null,
};

/** The queue routing stored on an inbox record, or the defaults (stored values are trusted only after parsing). */
export function queueRoutingOf(data: Record<string, unknown> | undefined): QueueRouting {
  const r = queueRoutingSchema.safeParse(data?.['routing']);
  return r.success ? r.data : DEFAULT_QUEUE_ROUTING;
}

/** An agent's capacity per kind of work from its record, over the defaults (1 call, 5 chats, 10 emails). */
export function capacityOf(data: Record<string, unknown> | undefined): Record<WorkKind, number> {
  const r = agentRoutingSchema.shape.capacity.safeParse(data?.['capacity']);
  return { ...DEFAULT_CAPACITY, ...(r.success && r.data ? r.data : {}) } as Record<WorkKind, number>;
}

/** An agent's skills from its record (none when absent or malformed). */
export function skillsOf(data: Record<string, unknown> | undefined): string[] {
  const r = agentRoutingSchema.shape.skills.safeParse(data?.['skills']);
  return r.success && r.data ? r.data : [];
}

/**
 * How long live work (a chat whose visitor is still there, a call still ringing) stays with an
 * agent whose connection dropped before it is offered to a colleague: a team setting, kept on the
 * team record (`routing`). Async work (email, API, messaging apps) never moves on a drop.
 */
export const AWAY_GRACE_LIMITS = { minMs: 30_000, maxMs: 3_600_000 } as const;
export const DEFAULT_AWAY_GRACE_MS = 180_000;

export const teamRoutingSchema = z
  .object({
    awayGraceMs: z.number().int().min(AWAY_GRACE_LIMITS.minMs).max(AWAY_GRACE_LIMITS.maxMs),
  })
  .strict();
export type TeamRouting = z.infer<typeof teamRoutingSchema>;

/** The routing stored on a team record, or the defaults (stored values are trusted only after parsing). */
export function teamRoutingOf(data: Record<string, unknown> | undefined): TeamRouting {
  const r = teamRoutingSchema.safeParse(data?.['routing']);
  return r.success ? r.data : { awayGraceMs: DEFAULT_AWAY_GRACE_MS };
}

/** A live conversation moved to colleagues while its agent was offline (the agent is told on return). */
export type MovedWhileAway = {
  conversationId: string;
  channel: 'chat' | 'voice';
  customerName: string;
  subject: string;
  /** ISO time the conversation went back to its queue. */
  movedAt: string;
  /** Why it moved: its customer was still waiting when the team's grace ran out. */
  reason: 'customer-waiting';
};
