import { z } from 'zod';
import type { CallChannel, EventChannel } from './channels';
import { languageSchema, themeSchema, type Settings } from './settings';
import { agentStateSchema, type AgentStateInfo } from './agentState';
import type { DialRequest } from './dialLink';
import type { UpdateStatus } from './updates/status';

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

type CallSpec<A extends z.ZodType, R> = { args: A; result?: R };
const call =
  <R>() =>
  <A extends z.ZodType>(args: A): CallSpec<A, R> => ({ args });

const noArgs = z.object({}).strict();

/**
 * The app API: every call the renderer may make of the main process, with the zod schema
 * of its argument and the type of its answer. Both transports (Electron IPC and the browser
 * host's WebSocket) serve exactly this.
 */
export const apiCalls = {
  'app:getInfo': call<AppInfo>()(noArgs),
  'settings:get': call<Settings>()(noArgs),
  'settings:update': call<Settings>()(
    z.object({ language: languageSchema.optional(), theme: themeSchema.optional() }).strict(),
  ),
  'agent:getState': call<AgentStateInfo>()(noArgs),
  'agent:setState': call<AgentStateInfo>()(z.object({ state: agentStateSchema }).strict()),
  /** The softphone reports whether a call is ringing, live or held (updates never install during one). */
  'phone:setCallActive': call<{ active: boolean }>()(z.object({ active: z.boolean() }).strict()),
  'updates:getStatus': call<UpdateStatus>()(noArgs),
  'updates:check': call<UpdateStatus>()(noArgs),
  /** The agent chooses to restart now; still refused during a call or with unsent changes. */
  'updates:installNow': call<UpdateStatus>()(noArgs),
} satisfies Record<CallChannel, CallSpec<z.ZodType, unknown>>;

export type ApiCalls = typeof apiCalls;
export type CallArgs<C extends CallChannel> = z.input<ApiCalls[C]['args']>;
export type CallResult<C extends CallChannel> = NonNullable<ApiCalls[C]['result']>;

/** Events the main process sends to the renderer, with their payloads. */
type EventMap = {
  'settings:changed': Settings;
  'agent:stateChanged': AgentStateInfo;
  'phone:dialRequested': DialRequest;
  'updates:statusChanged': UpdateStatus;
};
// Fails to compile when EventMap and EVENT_CHANNELS disagree.
type Exact<T, K extends PropertyKey> = [Exclude<K, keyof T>, Exclude<keyof T, K>] extends [never, never]
  ? T
  : never;
export type ApiEvents = Exact<EventMap, EventChannel>;

export type EventPayload<E extends EventChannel> = ApiEvents[E];
