import { z } from 'zod';
import { SELECTABLE_AGENT_STATES, type AgentState, type AwayReason } from './agentState';
import type { Channel, Role } from './sync/entities';

// The supervisor's live view: what the relay pushes to a supervisor (their teams) or an admin
// (every team) on the sync socket after `{t:'watch', on:true}`, and the actions they take from it.
// The relay computes every figure (src/relay/supervisor); apps only draw them. Times are ISO
// strings of when something started, so a board ticks locally without being pushed again.

/** A call an agent is on: ringing them, talking, or held (since when). */
export type BoardCall = {
  conversationId: string;
  customerName: string;
  state: 'ringing' | 'talking' | 'held';
  /** Answered (talking, held) or first rang (ringing). */
  since: string;
  /** When the call was put on hold; null unless held. */
  heldSince: string | null;
};

/** Live written work (web chat and messaging apps) assigned to an agent and not resolved. */
export type BoardChat = {
  conversationId: string;
  customerName: string;
  channel: Channel;
  subject: string;
  /** When it became theirs (or was created, when the relay did not see it assigned). */
  since: string;
};

export type BoardAgent = {
  id: string;
  name: string;
  /** Supervisors act on agents only; admins on agents and supervisors. */
  role: Role;
  teamIds: string[];
  /** The routing state the agent's app last told the relay (after-call work is one of them). */
  state: AgentState;
  /** Why the agent is away (from AWAY_REASONS), as their app told it; null otherwise. */
  reason: AwayReason | null;
  /** Since when the state (with its reason) holds. */
  stateSince: string;
  /** Whether an app of this agent is connected now. */
  connected: boolean;
  /** When the last app of this agent disconnected; null while connected. */
  disconnectedSince: string | null;
  calls: BoardCall[];
  chats: BoardChat[];
  /** Open email and API conversations assigned to them. */
  openEmails: number;
  /** Conversations resolved by them, or calls of theirs that ended, since the start of the day. */
  handledToday: number;
};

export type BoardQueue = {
  inboxId: string;
  name: string;
  channel: Channel;
  teamId: string;
  /** Customers waiting for an agent now (unassigned, open or pending). */
  waiting: number;
  /** When the longest-waiting of them started waiting; null when nobody waits. */
  longestWaitSince: string | null;
  /** Conversations that entered this queue today. */
  offeredToday: number;
  /** Of those, answered (assigned to an agent, a call answered). */
  answeredToday: number;
  /** Of those answered, within the service level target. */
  answeredInTarget: number;
  /** Customers who left before anyone answered (calls hung up in the queue, chats closed unanswered). */
  abandonedToday: number;
  /** answeredInTarget / (answeredToday + abandonedToday); null before the first one, or with no target. */
  serviceLevel: number | null;
  /** The service level target: answered within this many ms; null for channels without one (email). */
  targetMs: number | null;
  /** Open conversations due within `atRiskMs` of their SLA due time (not yet past it). */
  slaAtRisk: number;
  /** Open conversations past their SLA due time. */
  slaBreached: number;
};

/** The whole live view for one scope, pushed whenever something in it changes. */
export type SupervisorBoard = {
  /** When the relay computed it. */
  at: string;
  /** Start of the relay's day the "today" figures count from. */
  dayStart: string;
  /** True for an admin's board (every team). */
  all: boolean;
  teams: { id: string; name: string }[];
  agents: BoardAgent[];
  queues: BoardQueue[];
  /** How close to its due time a conversation counts as at risk, in ms. */
  atRiskMs: number;
};

/**
 * The board lost part or all of what it showed: `role` when the person is no longer a supervisor or
 * admin (no more boards come) or no longer an admin (it narrows to their teams); `teams` when they
 * were taken off the teams listed. `teams` names what it no longer shows; `ended` is true when no
 * more boards come (the watch ended: no scope left).
 */
export type BoardAccessLost = {
  reason: 'role' | 'teams';
  teams: { id: string; name: string }[];
  ended: boolean;
};
/** A BoardAccessLost as the app heard it, and when. */
export type BoardAccess = BoardAccessLost & { at: string };

const uuid = z.string().uuid();
const reason = z.string().trim().min(1).max(500);

/** Bodies of the relay's `/v1/supervisor/*` actions (each needs a reason the agent is shown). */
export const supervisorActionSchemas = {
  status: z.object({ state: z.enum(SELECTABLE_AGENT_STATES), reason }).strict(),
  logout: z.object({ reason }).strict(),
  assign: z
    .object({ toAgentId: uuid.optional(), take: z.literal(true).optional(), reason })
    .strict()
    .refine(
      (a) => (a.toAgentId === undefined) !== (a.take === undefined),
      'name toAgentId or take, not both',
    ),
  whisper: z.object({ body: z.string().trim().min(1).max(2000) }).strict(),
} as const;

/** What a supervisor did that the agent is told at once, with the reason (a `supervisorNotice` frame). */
export type SupervisorNotice = {
  id: string;
  at: string;
  by: { id: string; name: string };
} & (
  | { kind: 'status'; state: AgentState; reason: string }
  | { kind: 'loggedOut'; reason: string }
  | { kind: 'reassigned'; conversationId: string; toAgentName: string; reason: string }
  | { kind: 'whisper'; conversationId: string; body: string }
);

/** How a figure reads on the wallboard: fine, worth a look, act now. */
export type BoardLevel = 'ok' | 'warn' | 'alert';

/** Where the wallboard's colours change. */
export type BoardThresholds = {
  /** Longest wait, in ms. */
  longestWaitMs: { warn: number; alert: number };
  /** Waiting customers in a queue. */
  waiting: { warn: number; alert: number };
  /** Service level (0–1): below warn is amber, below alert red. */
  serviceLevel: { warn: number; alert: number };
};

export const DEFAULT_BOARD_THRESHOLDS: BoardThresholds = {
  longestWaitMs: { warn: 30_000, alert: 120_000 },
  waiting: { warn: 3, alert: 10 },
  serviceLevel: { warn: 0.8, alert: 0.6 },
};

/** A figure that is bad when high (waits, queue length): its level. */
export function levelAbove(value: number, t: { warn: number; alert: number }): BoardLevel {
  return value >= t.alert ? 'alert' : value >= t.warn ? 'warn' : 'ok';
}

/** A figure that is bad when low (service level): its level; null (nothing yet) is fine. */
export function levelBelow(value: number | null, t: { warn: number; alert: number }): BoardLevel {
  if (value === null) return 'ok';
  return value < t.alert ? 'alert' : value < t.warn ? 'warn' : 'ok';
}
