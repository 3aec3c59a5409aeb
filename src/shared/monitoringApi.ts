import { z } from 'zod';
import {
  MONITOR_MODES,
  endRequestSchema,
  redeemRequestSchema,
  teamMonitoringSchema,
  type EndResult,
  type GrantClaims,
  type GrantRefusal,
  type IssuedGrant,
  type TeamMonitoring,
} from './monitoring';

// The app API's calls for listen / whisper / barge and the team's monitoring setting. Spread into
// `apiCalls` in api.ts.

/** A call a supervisor may join, as this workstation last synced it (the voice conversation's `call`). */
export type LiveCallView = {
  conversationId: string;
  teamId: string | null;
  /** The customer's SIP Call-ID. */
  callId: string;
  state: 'talking' | 'held';
  agentId: string;
  /** Empty when the agent is not in the cache's directory. */
  agentName: string;
  /** The customer's name, or their number when the cache has no profile. */
  customerName: string;
  from: string;
  /** ISO time of the call's last state change. */
  since: string;
};

/** What the agent's app decided about a grant: joined, or refused with the reason (both audited). */
export type RedeemResult =
  | { ok: true; claims: GrantClaims; verifiedBy: 'relay' | 'local' }
  | { ok: false; reason: GrantRefusal; message: string };

type Spec<A extends z.ZodType, R> = { args: A; result?: R };
const call =
  <R>() =>
  <A extends z.ZodType>(args: A): Spec<A, R> => ({ args });

export const monitoringCalls = {
  /** The live calls of the teams this supervisor oversees (admins: all), from the cache. */
  'monitoring:liveCalls': call<{ calls: LiveCallView[] }>()(z.object({}).strict()),
  /** Asks the relay for a grant to join a live call in a mode (needs the network; audited there). */
  'monitoring:requestGrant': call<IssuedGrant>()(
    z.object({ callConversationId: z.string().uuid(), mode: z.enum(MONITOR_MODES) }).strict(),
  ),
  /**
   * The agent's app checks a supervisor's grant before answering: redeemed at the relay (single
   * use, audited); with the relay out of reach, verified here with its public key.
   */
  'monitoring:redeem': call<RedeemResult>()(redeemRequestSchema),
  /**
   * A monitoring session ended (either side's app tells the relay, which audits it once). With
   * the relay out of reach the report waits in the cache and goes with the next one (`sent: false`).
   */
  'monitoring:end': call<EndResult & { sent: boolean }>()(endRequestSchema),
  /** Fetches and keeps the relay's grant-signing public key, for checks while offline. */
  'monitoring:prepare': call<{ ready: boolean }>()(z.object({}).strict()),
  /** Sets whether a team's agents see that they are monitored (relay; admins, its supervisors). */
  'teams:setMonitoring': call<TeamMonitoring>()(
    z.object({ teamId: z.string().uuid(), monitoring: teamMonitoringSchema }).strict(),
  ),
};
