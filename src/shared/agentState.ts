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

/** Why an agent is away, chosen with Away (shown in the header and to the agent only). */
export const AWAY_REASONS = ['break', 'lunch', 'meeting', 'training'] as const;
export const awayReasonSchema = z.enum(AWAY_REASONS);
export type AwayReason = z.infer<typeof awayReasonSchema>;

/** The agent's state since a moment; `reason` only with `away`, when the agent gave one. */
export type AgentStateInfo = { state: AgentState; since: string; reason?: AwayReason };

/** Arguments of `agent:setState`: a reason is accepted with `away` only. */
export const setAgentStateSchema = z
  .object({ state: agentStateSchema, reason: awayReasonSchema.optional() })
  .strict()
  .refine((v) => v.reason === undefined || v.state === 'away', {
    message: 'A reason can only be given with the away state',
    path: ['reason'],
  });
