import type { z } from 'zod';
import type { AgentState } from './agentState';
import type { AuditEntryView, PersonView } from './adminApi';
import type {
  EndRequest,
  EndResult,
  GrantClaims,
  GrantRequest,
  IssuedGrant,
  RedeemRequest,
  TeamMonitoring,
} from './monitoring';
import type { RecordingPolicy } from './recording';
import type { Report } from './reports/figures';
import type { QueueRouting, TeamRouting } from './routing';
import type { SlaPolicy } from './sla/policy';
import type { supervisorActionSchemas, SupervisorBoard, SupervisorNotice } from './supervisor';
import type { AgentData, Role } from './sync/entities';
import type { LoginRequest, TokenPair } from './sync/protocol';

// The relay's HTTP routes that apps and tools call, declared once: method, path (parameters as
// `:name`) and the JSON types of request and answer. The relay's route tables match requests
// with routeRegex; the app and the release tool build their URLs with routePath.

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** The names of a pattern's `:name` parameters, e.g. 'agentId' for '/v1/admin/agents/:agentId'. */
export type ParamsOf<P extends string> = P extends `${string}:${infer N}/${infer Rest}`
  ? N | ParamsOf<`/${Rest}`>
  : P extends `${string}:${infer N}`
    ? N
    : never;

/** One route. `Req` and `Res` are the request body and the answer (JSON unless said otherwise). */
export type RelayRoute<P extends string = string, Req = unknown, Res = unknown> = {
  readonly method: HttpMethod;
  readonly pattern: P;
  /** Never set: carries the body types for RouteRequest and RouteResponse. */
  readonly types?: { request: Req; response: Res };
};

export type RouteRequest<R> = R extends RelayRoute<string, infer Q, unknown> ? Q : never;
export type RouteResponse<R> = R extends RelayRoute<string, unknown, infer S> ? S : never;

const route =
  <Req = undefined, Res = unknown>() =>
  <P extends string>(method: HttpMethod, pattern: P): RelayRoute<P, Req, Res> => ({ method, pattern });

type Bytes = 'bytes';
type SupervisorBody<K extends keyof typeof supervisorActionSchemas> = z.input<
  (typeof supervisorActionSchemas)[K]
>;

/** An API inbox's webhook as admins read it back: never the secret. */
export type InboxWebhookView = {
  inboxId: string;
  url: string;
  secretSet: true;
  updatedAt: string;
  updatedBy: string | null;
};

export const RELAY_ROUTES = {
  login: route<LoginRequest, TokenPair>()('POST', '/v1/auth/login'),
  refresh: route<{ refreshToken: string }, TokenPair>()('POST', '/v1/auth/refresh'),
  /** With an access token (also one that must change its password); other sessions end. */
  changePassword: route<
    { currentPassword: string; newPassword: string },
    { changed: true; endedSessions: number }
  >()('POST', '/v1/auth/password'),

  people: route<undefined, { people: PersonView[] }>()('GET', '/v1/admin/agents'),
  person: route<undefined, PersonView>()('GET', '/v1/admin/agents/:agentId'),
  createAgent: route<
    { email: string; password: string; name: string; role: Role; teamIds?: string[] },
    { id: string } & AgentData
  >()('POST', '/v1/admin/agents'),
  disableAgent: route<{ reason: string }, PersonView & { closedSockets: number }>()(
    'POST',
    '/v1/admin/agents/:agentId/disable',
  ),
  enableAgent: route<undefined, PersonView>()('POST', '/v1/admin/agents/:agentId/enable'),
  /** Without `temporaryPassword` the relay makes one; either way it is answered once. */
  resetPassword: route<{ temporaryPassword?: string }, PersonView & { temporaryPassword: string }>()(
    'POST',
    '/v1/admin/agents/:agentId/password',
  ),
  setRole: route<{ role: Role }, PersonView>()('PUT', '/v1/admin/agents/:agentId/role'),
  setTeams: route<{ teamIds: string[] }, PersonView>()('PUT', '/v1/admin/agents/:agentId/teams'),
  teams: route<undefined, { teams: { id: string; name: string }[] }>()('GET', '/v1/admin/teams'),
  /** Query: limit, cursor and the AuditFilters. */
  audit: route<undefined, { entries: AuditEntryView[]; nextCursor: number | null }>()(
    'GET',
    '/v1/admin/audit',
  ),
  /** Query as audit; answers CSV text. */
  auditCsv: route<undefined, string>()('GET', '/v1/admin/audit.csv'),

  teamRecording: route<RecordingPolicy, RecordingPolicy>()('PUT', '/v1/admin/teams/:teamId/recording'),
  teamRouting: route<TeamRouting, TeamRouting>()('PUT', '/v1/admin/teams/:teamId/routing'),
  teamMonitoring: route<TeamMonitoring, TeamMonitoring>()('PUT', '/v1/admin/teams/:teamId/monitoring'),
  /** Answers the inbox's synced record data. */
  queueRouting: route<QueueRouting, Record<string, unknown>>()('PUT', '/v1/admin/inboxes/:inboxId/routing'),
  /** A policy, or null to remove it; answers the inbox's synced record data. */
  queueSla: route<SlaPolicy | null, Record<string, unknown>>()('PUT', '/v1/admin/inboxes/:inboxId/sla'),
  /**
   * An API inbox's webhook: tested (a signed `webhook.test` POST) before it is saved. Without
   * `secret` the relay keeps the one it has or makes one, answered once as `secret`.
   */
  setInboxWebhook: route<{ url: string; secret?: string }, InboxWebhookView & { secret?: string }>()(
    'PUT',
    '/v1/admin/inboxes/:inboxId/webhook',
  ),
  inboxWebhook: route<undefined, InboxWebhookView>()('GET', '/v1/admin/inboxes/:inboxId/webhook'),
  removeInboxWebhook: route<undefined, { inboxId: string; removed: boolean }>()(
    'DELETE',
    '/v1/admin/inboxes/:inboxId/webhook',
  ),
  /** Skills and capacity; answers the agent's synced record data. */
  agentRouting: route<Record<string, unknown>, Record<string, unknown>>()(
    'PUT',
    '/v1/admin/agents/:agentId/routing',
  ),

  /** A queue's phone addresses, wait limit, overflow and opening hours (relay/voice/settings.ts); admins. */
  inboxPhone: route<Record<string, unknown>, Record<string, unknown>>()(
    'PUT',
    '/v1/admin/inboxes/:inboxId/phone',
  ),
  /** `{sipUser}`: where the agent's softphone is registered; admins. */
  agentPhone: route<{ sipUser: string | null }, { sipUser: string | null }>()(
    'PUT',
    '/v1/admin/agents/:agentId/phone',
  ),

  /** Query: the ReportQuery (from, to, tz, groupBy, bucket); supervisors and admins. */
  reports: route<undefined, Report>()('GET', '/v1/reports'),
  /** Query as reports; answers CSV text (each export is audited). */
  reportsCsv: route<undefined, string>()('GET', '/v1/reports.csv'),

  /** A grant to listen to, whisper into or barge into a live call. */
  monitoringGrants: route<GrantRequest, IssuedGrant>()('POST', '/v1/monitoring/grants'),
  /** The agent's app redeems a grant before it answers the supervisor's call. */
  monitoringRedeem: route<RedeemRequest, { claims: GrantClaims }>()('POST', '/v1/monitoring/redeem'),
  /** A monitoring session ended (the supervisor left, the call ended): one audit line per session. */
  monitoringEnd: route<EndRequest, EndResult>()('POST', '/v1/monitoring/end'),
  /** The public key apps check grants with while the relay is out of reach. */
  monitoringKey: route<undefined, { algorithm: 'Ed25519'; publicKeyPem: string }>()(
    'GET',
    '/v1/monitoring/key',
  ),

  /** The live board of the caller's scope (apps get it pushed; this is for tools). */
  supervisorBoard: route<undefined, SupervisorBoard>()('GET', '/v1/supervisor/board'),
  supervisorStatus: route<SupervisorBody<'status'>, { agentId: string; state: AgentState }>()(
    'POST',
    '/v1/supervisor/agents/:agentId/status',
  ),
  supervisorLogout: route<SupervisorBody<'logout'>, { agentId: string; state: 'offline' }>()(
    'POST',
    '/v1/supervisor/agents/:agentId/logout',
  ),
  supervisorAssign: route<SupervisorBody<'assign'>, { conversationId: string; assigneeId: string }>()(
    'POST',
    '/v1/supervisor/conversations/:conversationId/assign',
  ),
  supervisorWhisper: route<SupervisorBody<'whisper'>, { notice: SupervisorNotice; noteId: string }>()(
    'POST',
    '/v1/supervisor/conversations/:conversationId/whisper',
  ),

  /** Query: conversationId; the file's bytes as the body, its name in `x-file-name`. */
  uploadAttachment: route<Bytes, { messageId: string }>()('POST', '/v1/attachments'),
  attachment: route<undefined, Bytes>()('GET', '/v1/attachments/:attachmentId'),
  /** A mail's remote images fetched by the relay: each as a data: URL, or why it could not be. */
  remoteImages: route<
    undefined,
    { images: ({ url: string; dataUrl: string } | { url: string; error: string })[] }
  >()('GET', '/v1/messages/:messageId/remote-images'),
  recording: route<undefined, Bytes>()('GET', '/v1/recordings/:recordingId'),
  /** Query: call (the call record's id); the audio as the body. */
  uploadRecording: route<Bytes, unknown>()('PUT', '/v1/recordings/:recordingId'),

  /** IT's release tool: the files of an update channel, with their sizes. */
  updateChannel: route<undefined, { channel: string; files: { name: string; size: number }[] }>()(
    'GET',
    '/v1/admin/updates/:channel',
  ),
  /** IT's release tool: a file of an update channel (bytes in). */
  updateFile: route<Bytes, unknown>()('PUT', '/v1/admin/updates/:channel/:file'),
  withdrawUpdateFile: route<undefined, unknown>()('DELETE', '/v1/admin/updates/:channel/:file'),
} as const;

/** The sync WebSocket (shared/sync/protocol.ts). */
export const SYNC_PATH = '/v1/sync';

/**
 * The path of `r` with its parameters filled in, each percent-encoded, and `query` appended
 * when given (already encoded, without the '?').
 */
export function routePath<P extends string>(
  r: RelayRoute<P, unknown, unknown>,
  params: Record<ParamsOf<P>, string>,
  query?: string,
): string {
  const values = params as Record<string, string>;
  const path = r.pattern.replace(/:([A-Za-z]+)/g, (_, name: string) => encodeURIComponent(values[name]!));
  return query ? `${path}?${query}` : path;
}

/**
 * A regular expression matching the paths of `r` as sent (still percent-encoded), with one
 * capture group per parameter in order; `param` is what one parameter matches [default: one
 * path segment, `[^/]+`].
 */
export function routeRegex(r: RelayRoute, param = '[^/]+'): RegExp {
  const source = r.pattern
    .split(/(:[A-Za-z]+)/)
    .map((part) => (part.startsWith(':') ? `(${param})` : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}
