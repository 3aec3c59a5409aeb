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

export type AgentStateInfo = { state: AgentState; since: string };
