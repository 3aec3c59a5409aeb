import type { z } from 'zod';
import type { CallChannel, EventChannel } from './channels';
import type { Settings } from './settings';
import type { AgentStateInfo } from './agentState';
import type { DialRequest } from './dialLink';
import type { UpdateStatus } from './updates/status';
import type { SessionState } from './session';
import type { OfferView } from './sync/protocol';
import type { MovedWhileAway } from './routing';
import { adminCalls } from './adminApi';
import { supervisorCalls, type SupervisorEvents } from './supervisorApi';
import { monitoringCalls } from './monitoringApi';
import { reportCalls } from './reportsApi';
import type { CallSpec } from './api/call';
import { appCalls } from './api/appCalls';
import { customerCalls } from './api/customerCalls';
import { inboxCalls, type MentionNotice } from './api/inboxCalls';
import { teamCalls } from './api/teamCalls';

export type { AppInfo } from './api/appCalls';
export type { MentionNotice } from './api/inboxCalls';
export { webhookInputSchema, type TeamSettingsView } from './api/teamCalls';
export { INBOX_VIEWS, SLA_FILTERS, type InboxView, type SlaFilter } from './inboxFilters';

/**
 * The app API: every call the renderer may make of the main process, with the zod schema
 * of its argument and the type of its answer. Both transports (Electron IPC and the browser
 * host's WebSocket) serve exactly this. Each domain's calls are declared in its file under api/
 * (the app, customers and calls, the inbox, team settings) or beside it (admin, supervisor,
 * monitoring, reports).
 */
export const apiCalls = {
  ...appCalls,
  ...customerCalls,
  ...inboxCalls,
  ...teamCalls,
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
