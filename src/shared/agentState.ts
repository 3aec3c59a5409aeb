import { z } from 'zod';

/** Routing states of an agent, as the relay will use them. */
export const AGENT_STATES = ['available', 'busy', 'away', 'after-call-work', 'offline'] as const;
export const agentStateSchema = z.enum(AGENT_STATES);
export type AgentState = z.infer<typeof agentStateSchema>;

/** States an agent may choose by hand; the others are set by calls and by the relay. */
export const SELECTABLE_AGENT_STATES = [
  'available',
  'away',
  'offline',
] as const satisfies readonly AgentState[];

/**
 * Why an agent is away, chosen with Away: shown in the header, told to the relay with the state
 * (which checks it against this list) and shown on the supervisor's live board.
 */
export const AWAY_REASONS = ['break', 'lunch', 'meeting', 'training'] as const;
export const awayReasonSchema = z.enum(AWAY_REASONS);
export type AwayReason = z.infer<typeof awayReasonSchema>;

/** The agent's state since a moment; `reason` only with `away`, when the agent gave one. */
export type AgentStateInfo = { state: AgentState; since: string; reason?: AwayReason };

/** A state and, with `away` only, its reason: what the app tells the relay (the presence frame). */
export type Presence = { state: AgentState; reason?: AwayReason };

/** The fields of a state with its reason; a reason is accepted with `away` only. */
export const presenceFields = { state: agentStateSchema, reason: awayReasonSchema.optional() };

/** The rule of presenceFields (`.refine(reasonOnlyWhenAway, REASON_RULE)`): a reason only with away. */
export const reasonOnlyWhenAway = (v: { state: AgentState; reason?: AwayReason | undefined }) =>
  v.reason === undefined || v.state === 'away';
export const REASON_RULE: { message: string; path: string[] } = {
  message: 'A reason can only be given with the away state',
  path: ['reason'],
};

/** Arguments of `agent:setState`: a reason is accepted with `away` only. */
export const setAgentStateSchema = z.object(presenceFields).strict().refine(reasonOnlyWhenAway, REASON_RULE);

/** What the relay is told of a state (its time stays with the app). */
export const presenceOf = (i: Presence): Presence =>
  i.reason && i.state === 'away' ? { state: i.state, reason: i.reason } : { state: i.state };
