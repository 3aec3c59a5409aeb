import { z } from 'zod';
import type { CallChannel, EventChannel } from './channels';
import {
  audioDevicesSchema,
  languageSchema,
  themeSchema,
  savedInboxViewsSchema,
  workspaceLayoutsSchema,
  type Settings,
} from './settings';
import { inboxFiltersSchema } from './inboxFilters';
import { setAgentStateSchema, type AgentStateInfo } from './agentState';
import type { DialRequest } from './dialLink';
import type { UpdateStatus } from './updates/status';
import type { SessionState } from './session';
import type { OfferView } from './sync/protocol';
import { relayUrlSchema } from './relayUrl';
import { E164_RE, sipAccountSchema, type SipAccountView, type SipCredentials } from './phone';
import { CONVERSATION_STATUSES, type Channel, type Role } from './sync/entities';
import { RECORDING_MIME_TYPES, recordingPolicySchema, type RecordingPolicy } from './recording';
import {
  agentRoutingSchema,
  queueRoutingSchema,
  teamRoutingSchema,
  type MovedWhileAway,
  type QueueRouting,
  type TeamRouting,
  type WorkKind,
} from './routing';
import { mutationArgs, TEXT_LIMITS } from './sync/mutations';
import { adminCalls } from './adminApi';
import { supervisorCalls, type SupervisorEvents } from './supervisorApi';
import { monitoringCalls } from './monitoringApi';
import type { TeamMonitoring } from './monitoring';
import { reportCalls } from './reportsApi';
import { slaPolicySchema, type SlaPolicy } from './sla/policy';
import type { InboxWebhookView } from './relayRoutes';
import { webhookBodySchema } from './webhook';
import type {
  CannedReplyView,
  ConversationDetail,
  CallView,
  ConversationView,
  CustomerDetail,
  CustomerView,
  FieldChangeView,
  RejectedView,
  ScreenPop,
  SearchHitView,
} from './views';

/** Facts about the running app, shown in Settings › About. */
export type AppInfo = {
  name: string;
  version: string;
  platform: string;
  arch: string;
  /** Which transport serves the API: the Electron app or the browser host. */
  host: 'electron' | 'browser';
  runtime: string;
};

/** A colleague mentioned the signed-in agent in a note: who, where (customer and subject), which note. */
export type MentionNotice = {
  noteId: string;
  conversationId: string;
  /** Empty when the author is not in the cache's directory. */
  authorName: string;
  /** Null when the conversation or its customer is not in the cache (yet). */
  customerName: string | null;
  subject: string;
  createdAt: string;
};

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

export { INBOX_VIEWS, SLA_FILTERS, type InboxView, type SlaFilter } from './inboxFilters';

type CallSpec<A extends z.ZodType, R> = { args: A; result?: R };
const call =
  <R>() =>
  <A extends z.ZodType>(args: A): CallSpec<A, R> => ({ args });

const noArgs = z.object({}).strict();
const id = z.string().uuid();
const page = {
  limit: z.number().int().min(1).max(500).optional(),
  offset: z.number().int().min(0).optional(),
};
const customerFields = mutationArgs['customer.update'].shape.fields;

/** An API inbox's webhook as an admin or supervisor sets it: the relay's PUT body (trimmed) and the inbox. */
export const webhookInputSchema = webhookBodySchema.extend({
  inboxId: id,
  url: z.string().trim().pipe(webhookBodySchema.shape.url),
});

/**
 * The app API: every call the renderer may make of the main process, with the zod schema
 * of its argument and the type of its answer. Both transports (Electron IPC and the browser
 * host's WebSocket) serve exactly this.
 */
export const apiCalls = {
  'app:getInfo': call<AppInfo>()(noArgs),
  'settings:get': call<Settings>()(noArgs),
  'settings:update': call<Settings>()(
    z
      .object({
        language: languageSchema.optional(),
        theme: themeSchema.optional(),
        audioDevices: audioDevicesSchema.optional(),
        workspaceLayouts: workspaceLayoutsSchema.optional(),
        savedInboxViews: savedInboxViewsSchema.optional(),
      })
      .strict(),
  ),
  'agent:getState': call<AgentStateInfo>()(noArgs),
  'agent:setState': call<AgentStateInfo>()(setAgentStateSchema),
  /** The softphone reports whether a call is ringing, live or held (updates never install during one). */
  'phone:setCallActive': call<{ active: boolean }>()(z.object({ active: z.boolean() }).strict()),
  /**
   * The softphone's incoming calls ringing now (empty when none), so a hidden window still reaches
   * the agent: main shows a notification with Answer and Decline, and the tray says so.
   */
  'phone:setRinging': call<{ ok: true }>()(
    z
      .object({
        calls: z
          .array(
            z
              .object({
                callId: z.string().min(1).max(64),
                caller: z.string().max(256),
                customerName: z.string().max(TEXT_LIMITS.name).nullable(),
              })
              .strict(),
          )
          .max(8),
      })
      .strict(),
  ),
  /** Answers or declines a ringing call from outside the window (a notification, the tray). */
  'phone:callAction': call<{ ok: true }>()(
    z.object({ callId: z.string().min(1).max(64), action: z.enum(['answer', 'decline']) }).strict(),
  ),
  /** SIP account settings and where its password is kept (never the password itself). */
  'phone:getAccount': call<SipAccountView>()(noArgs),
  /** Saves the settings; a password given goes to the OS keychain (or memory only, without one). */
  'phone:saveAccount': call<SipAccountView>()(
    z.object({ account: sipAccountSchema, password: z.string().min(1).max(1024).optional() }).strict(),
  ),
  /** The softphone asks for this only to register. */
  'phone:getCredentials': call<SipCredentials>()(noArgs),
  'updates:getStatus': call<UpdateStatus>()(noArgs),
  'updates:check': call<UpdateStatus>()(noArgs),
  /** The agent chooses to restart now; still refused during a call or with unsent changes. */
  'updates:installNow': call<UpdateStatus>()(noArgs),

  'session:get': call<SessionState>()(noArgs),
  'session:login': call<SessionState>()(
    z
      .object({
        relayUrl: relayUrlSchema,
        email: z.string().email().max(254),
        password: z.string().min(1).max(1024),
        /** Needed only where no OS keychain is reachable. */
        passphrase: z.string().min(8).max(1024).optional(),
        /** A new password, when an admin reset the old one (LOCAL_ERR_PASSWORD_CHANGE_REQUIRED). */
        newPassword: z.string().min(8).max(1024).optional(),
      })
      .strict(),
  ),
  'session:unlock': call<SessionState>()(z.object({ passphrase: z.string().min(1).max(1024) }).strict()),
  'session:logout': call<SessionState>()(z.object({ wipe: z.boolean().optional() }).strict()),
  'session:discardLostCache': call<SessionState>()(noArgs),

  'customers:list': call<CustomerView[]>()(z.object(page).strict()),
  'customers:get': call<CustomerDetail>()(z.object({ id }).strict()),
  'customers:create': call<CustomerView>()(
    z.object({ fields: mutationArgs['customer.create'].shape.fields }).strict(),
  ),
  'customers:update': call<CustomerView>()(z.object({ id, fields: customerFields }).strict()),
  /** Merges the source profile into the target (same person); returns the target. Undoable. */
  'customers:merge': call<CustomerView>()(mutationArgs['customer.merge']),
  /** Undoes the merge of this profile into another; returns it, a profile of its own again. */
  'customers:unmerge': call<CustomerView>()(z.object({ sourceId: id }).strict()),
  /** Screen-pop: the customer with this E.164 number in the local cache, or null. */
  'customers:lookupPhone': call<{ pop: ScreenPop | null }>()(
    z.object({ phone: z.string().regex(E164_RE) }).strict(),
  ),
  /**
   * Logs a finished call with its wrap-up in a voice conversation of the customer (the open one, or
   * a new one); an unknown caller (no customerId) becomes a customer named `newCustomerName`.
   */
  'calls:log': call<CallView>()(
    z
      .object({
        customerId: id.nullable(),
        /** The call's own conversation (a queue call's, or one the agent placed); else found as above. */
        conversationId: id.optional(),
        newCustomerName: z.string().trim().min(1).max(TEXT_LIMITS.name).optional(),
        newCustomerPhone: z.string().regex(E164_RE).optional(),
        ...mutationArgs['call.log'].omit({ id: true, conversationId: true }).shape,
      })
      .strict(),
  ),
  /**
   * An event of a live call (answered, held, resumed, transferred, ended), written to the call's
   * conversation through the outbox: offline too, and reaching the relay once, in order.
   */
  'calls:event': call<{ ok: true }>()(mutationArgs['call.event'].omit({ id: true })),
  /**
   * The agent dials a customer's number: a new voice conversation in the agent's team inbox,
   * assigned to them, for the customer with that number (matched here, or created). Returns it.
   */
  'calls:dial': call<{ conversationId: string; customerId: string }>()(
    z.object({ phone: z.string().regex(E164_RE), customerId: id.nullable() }).strict(),
  ),
  /** Whether this agent's calls are recorded (team setting), the consent text, and playback right. */
  'recordings:policy': call<{ enabled: boolean; consentText: string; canPlay: boolean }>()(noArgs),
  /**
   * Hands over a call's recording in order, chunk by chunk (at most 512 KiB each, base64); `final`
   * on the last. Kept in the encrypted cache until the relay has it.
   */
  'recordings:save': call<{ bytes: number; complete: boolean }>()(
    z
      .object({
        id,
        seq: z.number().int().min(0).max(100_000),
        base64: z
          .string()
          .max(700_000)
          .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64'),
        final: z
          .object({ mime: z.enum(RECORDING_MIME_TYPES), durationMs: z.number().int().min(0).max(86_400_000) })
          .strict()
          .optional(),
      })
      .strict(),
  ),
  /** A window (up to 512 KiB) of a call's recording for playback: the local copy, else the relay's. */
  'recordings:read': call<{ mime: string; total: number; offset: number; base64: string }>()(
    z.object({ id, offset: z.number().int().min(0) }).strict(),
  ),
  /**
   * One window (`offset`, `limit`) of the inbox list, latest activity first, with the length of the
   * whole filtered list (`total`) so a virtualized list can size itself.
   */
  'conversations:list': call<{ total: number; offset: number; items: ConversationView[] }>()(
    /**
     * view: mine: assigned to me; unassigned; teams: of the teams I belong to; all: everything this
     * agent may see (its teams, and conversations assigned to it from other teams). sla: overdue;
     * soon: due within 30 minutes; none: without a due time.
     */
    inboxFiltersSchema.extend(page).strict(),
  ),
  /** Label names to filter the inbox by, sorted by name. */
  'conversations:labels': call<string[]>()(noArgs),
  'conversations:get': call<ConversationDetail>()(z.object({ id }).strict()),
  /**
   * Adds a label to a conversation (offline too: queued as conversation.addLabel). Any valid label
   * (see labelProblem); `conversations:labels` lists the known ones as suggestions.
   */
  'conversations:addLabel': call<ConversationView>()(
    z.object({ id, label: mutationArgs['conversation.addLabel'].shape.label }).strict(),
  ),
  /** Removes a label from a conversation (offline too: queued as conversation.removeLabel). */
  'conversations:removeLabel': call<ConversationView>()(
    z.object({ id, label: mutationArgs['conversation.removeLabel'].shape.label }).strict(),
  ),
  'conversations:setStatus': call<ConversationView>()(
    z
      .object({
        id,
        status: z.enum(CONVERSATION_STATUSES),
        snoozedUntil: z.string().datetime().nullable().optional(),
      })
      .strict(),
  ),
  /**
   * The agent writes to a customer first (offline too: queued as conversation.create and
   * message.send): a new email conversation, theirs, in their team's email inbox; the relay sends
   * the mail to `to`, one of the customer's addresses (default: their first; refused with
   * LOCAL_ERR_UNDELIVERABLE without one, LOCAL_ERR_INVALID_MUTATION for an address not theirs).
   */
  'conversations:startEmail': call<{ conversationId: string; messageId: string }>()(
    z
      .object({
        customerId: id,
        to: mutationArgs['conversation.create'].shape.to,
        subject: z.string().trim().min(1).max(TEXT_LIMITS.short),
        body: z.string().trim().min(1).max(TEXT_LIMITS.body),
      })
      .strict(),
  ),
  'messages:send': call<{ id: string }>()(
    z.object({ conversationId: id, body: z.string().trim().min(1).max(TEXT_LIMITS.body) }).strict(),
  ),
  'notes:add': call<{ id: string }>()(
    z.object({ conversationId: id, body: z.string().trim().min(1).max(TEXT_LIMITS.body) }).strict(),
  ),
  'history:get': call<FieldChangeView[]>()(
    z
      .object({ entity: z.enum(['customer', 'conversation']), id, field: z.string().max(64).optional() })
      .strict(),
  ),
  'search:query': call<SearchHitView[]>()(
    z.object({ q: z.string().max(200), limit: z.number().int().min(1).max(200).optional() }).strict(),
  ),
  'sync:listRejected': call<RejectedView[]>()(noArgs),
  'sync:dismissRejected': call<{ dismissed: boolean }>()(z.object({ id: z.string().max(64) }).strict()),
  /** Teams and agents (names, team membership) for transfers. */
  'inbox:directory': call<{
    teams: { id: string; name: string }[];
    agents: { id: string; name: string; teamIds: string[] }[];
  }>()(noArgs),
  /**
   * Marks a conversation read on this device (unread counts in the list); `cleared` when it had
   * unread messages before, so the views have something to refresh.
   */
  'conversations:markRead': call<{ unread: number; cleared: boolean }>()(z.object({ id }).strict()),
  /** Hand a conversation to a colleague or to a team's queue (works offline; sent when back). */
  'conversations:transfer': call<ConversationView>()(
    z
      .object({ id, toAgentId: id.optional(), toTeamId: id.optional() })
      .strict()
      .refine(
        (a) => (a.toAgentId === undefined) !== (a.toTeamId === undefined),
        'name toAgentId or toTeamId',
      ),
  ),
  /** Work the relay offers this agent now (accept or decline before it expires). */
  'inbox:listOffers': call<OfferView[]>()(noArgs),
  'inbox:replyOffer': call<{ sent: boolean }>()(
    z.object({ offerId: z.string().max(64), accept: z.boolean() }).strict(),
  ),
  /** Canned replies whose short code, title or body contains `q` (case-insensitive), at most 8. */
  'inbox:searchCannedReplies': call<CannedReplyView[]>()(z.object({ q: z.string().max(100) }).strict()),
  /** Live work that moved to colleagues while this agent was offline, as the relay last said. */
  'inbox:listMovedWhileAway': call<MovedWhileAway[]>()(noArgs),
  /** The agent read the notice: forgets what moved up to `upTo`, here and on the relay. */
  'inbox:dismissMovedWhileAway': call<{ sent: boolean }>()(
    z.object({ upTo: z.string().datetime() }).strict(),
  ),
  /** Tells the customer (web chat) that the agent is typing; `sent` false when offline. */
  'inbox:setTyping': call<{ sent: boolean }>()(z.object({ conversationId: id, on: z.boolean() }).strict()),
  /**
   * A file on a message of a conversation in this workstation's data, fetched by main from the
   * relay with the agent's token (needs the network): its name, type and bytes (base64), for the
   * renderer to save. `type` is one of the relay's allowed attachment types.
   */
  'messages:getAttachment': call<{ name: string; type: string; size: number; base64: string }>()(
    z.object({ conversationId: id, attachmentId: z.string().regex(/^[0-9a-f]{32}$/) }).strict(),
  ),
  /**
   * The remote images of a mail in this workstation's data, fetched by the relay (needs the
   * network): address → data: URL for each it could fetch, and how many it could not (with why).
   */
  'messages:remoteImages': call<{
    images: Record<string, string>;
    failed: { url: string; error: string }[];
  }>()(z.object({ messageId: id }).strict()),
  /**
   * Sends a file to a web chat's visitor, or by mail on an email conversation, as the agent's
   * message (needs the network; the relay
   * checks type and size as for visitors). The bytes come in base64 parts of at most 512 KiB under
   * one `uploadId`, so no frame is large; the part with `done` sends it and answers the message id.
   */
  'messages:sendAttachment': call<{ messageId: string | null }>()(
    z
      .object({
        conversationId: id,
        uploadId: z.string().uuid(),
        name: z.string().min(1).max(10_000),
        part: z.string().max(512 * 1024),
        done: z.boolean(),
      })
      .strict(),
  ),
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
  ...adminCalls,
  ...supervisorCalls,
  ...monitoringCalls,
  ...reportCalls,
} satisfies Record<CallChannel, CallSpec<z.ZodType, unknown>>;

export type ApiCalls = typeof apiCalls;
export type CallArgs<C extends CallChannel> = z.input<ApiCalls[C]['args']>;
export type CallResult<C extends CallChannel> = NonNullable<ApiCalls[C]['result']>;

/** Events the main process sends to the renderer, with their payloads. */
type EventMap = SupervisorEvents & {
  'settings:changed': Settings;
  'agent:stateChanged': AgentStateInfo;
  'phone:dialRequested': DialRequest;
  'updates:statusChanged': UpdateStatus;
  'session:changed': SessionState;
  /** Local data changed (a local edit, changes from the relay, an ack or a rejection). */
  'data:changed': { reason: 'mutate' | 'remote' | 'ack' | 'reject' | 'resync'; pending: number };
  'inbox:offersChanged': OfferView[];
  /** Main asks the window to show a conversation (an offer accepted from a desktop notification). */
  'inbox:openConversation': { conversationId: string };
  /** The customer of a conversation assigned to this agent started or stopped typing (web chat). */
  'inbox:typing': { conversationId: string; on: boolean };
  /** A colleague's note that @mentions the signed-in agent arrived (see services/mentionNotices.ts). */
  'inbox:mentioned': MentionNotice;
  /** What moved to colleagues while this agent was offline (sent by the relay on reconnect). */
  'inbox:movedWhileAway': MovedWhileAway[];
  /** The incoming calls ringing now, as the softphone reported them (for notifications and tray). */
  'phone:ringingChanged': RingingCall[];
  /** Answer or decline a ringing call: chosen in a notification or the tray, done by the softphone. */
  'phone:callAction': { callId: string; action: 'answer' | 'decline' };
};

/** An incoming call ringing on the softphone, as notifications show it (untrusted caller text). */
export type RingingCall = { callId: string; caller: string; customerName: string | null };
// Fails to compile when EventMap and EVENT_CHANNELS disagree.
type Exact<T, K extends PropertyKey> = [Exclude<K, keyof T>, Exclude<keyof T, K>] extends [never, never]
  ? T
  : never;
export type ApiEvents = Exact<EventMap, EventChannel>;

export type EventPayload<E extends EventChannel> = ApiEvents[E];
