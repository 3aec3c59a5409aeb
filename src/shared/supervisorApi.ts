import { z } from 'zod';
import {
  supervisorActionSchemas,
  type BoardAccess,
  type SupervisorBoard,
  type SupervisorNotice,
} from './supervisor';

// The app API's calls for the supervisor's live view and its actions (the relay decides who may
// and audits each), and for the notices an agent gets from them. Spread into `apiCalls` in api.ts.

type Spec<A extends z.ZodType, R> = { args: A; result?: R };
const call =
  <R>() =>
  <A extends z.ZodType>(args: A): Spec<A, R> => ({ args });
const id = z.string().uuid();

export const supervisorCalls = {
  /**
   * Starts or stops watching the live board (pushed by the relay as `supervisor:board`, again after
   * every reconnect); answers the last board this app has, or null before the first, and what the
   * board last lost while watched (`supervisor:accessLost`), or null.
   */
  'supervisor:watch': call<{
    watching: boolean;
    board: SupervisorBoard | null;
    accessLost: BoardAccess | null;
  }>()(z.object({ on: z.boolean() }).strict()),
  /** Sets a connected agent's status, with the reason they are shown (needs the network). */
  'supervisor:setStatus': call<{ agentId: string; state: string }>()(
    supervisorActionSchemas.status.extend({ agentId: id }).strict(),
  ),
  /** Logs a connected agent out of routing (offline), with the reason they are shown. */
  'supervisor:logout': call<{ agentId: string; state: string }>()(
    supervisorActionSchemas.logout.extend({ agentId: id }).strict(),
  ),
  /** Reassigns a conversation to an agent of its team (`toAgentId`) or to oneself (`take`). */
  'supervisor:assign': call<{ conversationId: string; assigneeId: string }>()(
    z
      .object({
        conversationId: id,
        toAgentId: id.optional(),
        take: z.literal(true).optional(),
        reason: supervisorActionSchemas.status.shape.reason,
      })
      .strict()
      .refine((a) => (a.toAgentId === undefined) !== (a.take === undefined), 'name toAgentId or take'),
  ),
  /**
   * A note kept in the conversation for the agent working on it (and supervisors), never the
   * customer or other agents; shown to the agent at once when connected, else when they are back.
   */
  'supervisor:whisper': call<{ notice: SupervisorNotice; noteId: string }>()(
    supervisorActionSchemas.whisper.extend({ conversationId: id }).strict(),
  ),
  /** What supervisors did to this agent since the app started (newest last), until dismissed. */
  'supervisor:listNotices': call<SupervisorNotice[]>()(z.object({}).strict()),
  'supervisor:dismissNotice': call<{ dismissed: boolean }>()(z.object({ id: z.string().max(64) }).strict()),
} as const;

/** Events of the supervisor's desk (see api.ts EventMap). */
export type SupervisorEvents = {
  /** The live board as the relay last pushed it. */
  'supervisor:board': SupervisorBoard;
  /**
   * The watched board lost some or all of its scope (a team taken away, the role changed): the
   * view says what happened and what to do.
   */
  'supervisor:accessLost': BoardAccess;
  /** The notices this agent has from supervisors now (after one arrived or was dismissed). */
  'supervisor:notices': SupervisorNotice[];
};
