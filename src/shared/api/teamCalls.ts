import { z } from 'zod';
import type { Channel, Role } from '../sync/entities';
import { recordingPolicySchema, type RecordingPolicy } from '../recording';
import {
  agentRoutingSchema,
  queueRoutingSchema,
  teamRoutingSchema,
  type QueueRouting,
  type TeamRouting,
  type WorkKind,
} from '../routing';
import type { TeamMonitoring } from '../monitoring';
import { slaPolicySchema, type SlaPolicy } from '../sla/policy';
import type { InboxWebhookView } from '../relayRoutes';
import { webhookBodySchema } from '../webhook';
import { call, id, noArgs } from './call';

// The app API's calls of team settings: recording, queues, SLA, webhooks, agents' routing and the
// away grace, most of them set on the relay. Spread into `apiCalls` in api.ts.

/** A team's settings as this workstation last synced them (see `teams:getSettings`). */
export type TeamSettingsView = {
  id: string;
  name: string;
  /** The stored policy, or the default (off) when the team has none. */
  recording: RecordingPolicy;
  /** The team's routing (grace for live work on a dropped connection), or the defaults. */
  routing: TeamRouting;
  /** Whether the team's agents see that a supervisor is on their call (default: shown). */
  monitoring: TeamMonitoring;
  /** Each inbox's queue routing and SLA policy (null: no SLA). */
  inboxes: { id: string; name: string; channel: Channel; routing: QueueRouting; sla: SlaPolicy | null }[];
  members: { id: string; name: string; role: Role; skills: string[]; capacity: Record<WorkKind, number> }[];
};

/** An API inbox's webhook as an admin or supervisor sets it: the relay's PUT body (trimmed) and the inbox. */
export const webhookInputSchema = webhookBodySchema.extend({
  inboxId: id,
  url: z.string().trim().pipe(webhookBodySchema.shape.url),
});

export const teamCalls = {
  /**
   * The teams this agent may manage (admins: all; supervisors: their own; agents: none) with their
   * recording policy, queues and members, from the local cache (works offline), and every inbox
   * by name as overflow targets.
   */
  'teams:getSettings': call<{
    teams: TeamSettingsView[];
    inboxes: { id: string; name: string; teamId: string }[];
  }>()(noArgs),
  /** Sets a team's call recording policy on the relay (needs the network; admins, its supervisors). */
  'teams:setRecording': call<RecordingPolicy>()(
    z.object({ teamId: id, policy: recordingPolicySchema }).strict(),
  ),
  /** Sets how an inbox's queue routes, on the relay (needs the network; admins, its team's supervisors). */
  'teams:setQueueRouting': call<QueueRouting>()(
    z.object({ inboxId: id, routing: queueRoutingSchema }).strict(),
  ),
  /** Sets (or, with null, removes) an inbox's SLA policy, on the relay (needs the network; admins, its team's supervisors). */
  'teams:setSlaPolicy': call<{ sla: SlaPolicy | null }>()(
    z.object({ inboxId: id, sla: slaPolicySchema.nullable() }).strict(),
  ),
  /**
   * An API inbox's webhook as the relay has it (null: none, so replies there cannot be sent);
   * read from the relay, so it needs the network (admins, the inbox team's supervisors).
   */
  'teams:getWebhook': call<{ webhook: InboxWebhookView | null }>()(z.object({ inboxId: id }).strict()),
  /**
   * Sets an API inbox's webhook on the relay, which tests the URL first and refuses with the
   * receiver's words when the test fails. `secret` in the answer only when the relay made one:
   * it is shown once, never again.
   */
  'teams:setWebhook': call<InboxWebhookView & { secret?: string }>()(webhookInputSchema),
  /** Removes an API inbox's webhook on the relay (replies there can no longer be sent). */
  'teams:removeWebhook': call<{ inboxId: string; removed: boolean }>()(z.object({ inboxId: id }).strict()),
  /** Sets an agent's skills and capacity, on the relay (needs the network; admins, its supervisors). */
  'teams:setAgentRouting': call<{ skills: string[]; capacity: Record<WorkKind, number> }>()(
    z.object({ agentId: id, routing: agentRoutingSchema }).strict(),
  ),
  /** Sets how long a team's live work waits for an agent whose connection dropped (relay; admins, its supervisors). */
  'teams:setAwayGrace': call<TeamRouting>()(z.object({ teamId: id, routing: teamRoutingSchema }).strict()),
};
