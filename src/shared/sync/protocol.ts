import { z } from 'zod';
import { presenceFields, reasonOnlyWhenAway, REASON_RULE } from '../agentState';
import type { MovedWhileAway } from '../routing';
import type { AgentData, Change, Channel } from './entities';
import type { BoardAccessLost, SupervisorBoard, SupervisorNotice } from '../supervisor';

/** Version of the sync protocol; the relay refuses others with RELAY_ERR_PROTOCOL. */
export const SYNC_PROTOCOL_VERSION = 1;

/** Machine-readable relay error codes. */
export const RELAY_ERR = {
  BAD_FRAME: 'RELAY_ERR_BAD_FRAME',
  /** An HTTP request the relay cannot read: a malformed target or percent-encoding. */
  BAD_REQUEST: 'RELAY_ERR_BAD_REQUEST',
  /** JSON nested deeper than the relay's `maxJsonDepth`. */
  TOO_DEEP: 'RELAY_ERR_TOO_DEEP',
  TOO_LARGE: 'RELAY_ERR_TOO_LARGE',
  PROTOCOL: 'RELAY_ERR_PROTOCOL',
  UNAUTHORIZED: 'RELAY_ERR_UNAUTHORIZED',
  TOKEN_EXPIRED: 'RELAY_ERR_TOKEN_EXPIRED',
  DEVICE_REVOKED: 'RELAY_ERR_DEVICE_REVOKED',
  /** An admin disabled the account: its sessions end and sign-in is refused until re-enabled. */
  ACCOUNT_DISABLED: 'RELAY_ERR_ACCOUNT_DISABLED',
  /** The password was reset by an admin: only a password change is accepted until it is made. */
  PASSWORD_CHANGE_REQUIRED: 'RELAY_ERR_PASSWORD_CHANGE_REQUIRED',
  /** The session was ended on the relay (password reset or changed elsewhere): sign in again. */
  SESSION_ENDED: 'RELAY_ERR_SESSION_ENDED',
  FORBIDDEN: 'RELAY_ERR_FORBIDDEN',
  NOT_FOUND: 'RELAY_ERR_NOT_FOUND',
  VALIDATION: 'RELAY_ERR_VALIDATION',
  UNKNOWN_MUTATION: 'RELAY_ERR_UNKNOWN_MUTATION',
  MUTATION_ID_REUSED: 'RELAY_ERR_MUTATION_ID_REUSED',
  CONFLICT: 'RELAY_ERR_CONFLICT',
  /** A reply its conversation's channel cannot deliver (shared/replyRoute.ts); nothing is stored. */
  UNDELIVERABLE: 'RELAY_ERR_UNDELIVERABLE',
  BATCH_TOO_LARGE: 'RELAY_ERR_BATCH_TOO_LARGE',
  RATE_LIMITED: 'RELAY_ERR_RATE_LIMITED',
  INTERNAL: 'RELAY_ERR_INTERNAL',
} as const;
export type RelayErrorCode = (typeof RELAY_ERR)[keyof typeof RELAY_ERR];

/** WebSocket close codes of the relay (hocuspocus style). */
export const RELAY_CLOSE = {
  TOO_BIG: 1009,
  /** The relay failed on its side (a bug, logged); the client may reconnect. */
  INTERNAL: 1011,
  /** `hello` named a protocol version this relay does not speak. */
  PROTOCOL: 4400,
  UNAUTHORIZED: 4401,
  FORBIDDEN: 4403,
  TIMEOUT: 4408,
  DEVICE_REVOKED: 4410,
  /** An admin disabled the account; the reason is in the close frame. */
  ACCOUNT_DISABLED: 4411,
  RATE_LIMITED: 4429,
} as const;

const mutationFrame = z
  .object({ id: z.string().max(64), name: z.string().max(64), args: z.unknown(), clock: z.string().max(100) })
  .strict();
/**
 * A Mutation (mutations.ts: `{id, name, args, clock}`) as it crosses the wire: what an app pushes
 * and the relay receives before it validates the name, arguments and clock.
 */
export type PushedMutation = z.infer<typeof mutationFrame>;

/** Frames an app sends on `/v1/sync`. The first must be `hello`. */
export const clientFrameSchema = z.discriminatedUnion('t', [
  z
    .object({
      t: z.literal('hello'),
      protocol: z.number().int(),
      accessToken: z.string().max(4096),
      /** Last log position applied; 0 for a new cache. */
      cursor: z.number().int().nonnegative(),
    })
    .strict(),
  z
    .object({
      t: z.literal('push'),
      batch: z.number().int().nonnegative(),
      mutations: z.array(mutationFrame),
    })
    .strict(),
  z.object({ t: z.literal('pull'), cursor: z.number().int().nonnegative() }).strict(),
  /**
   * The agent's routing state (available, away, ...): only available agents are offered work.
   * With away, the reason from the fixed list (AWAY_REASONS) the supervisor's board shows.
   */
  z
    .object({ t: z.literal('presence'), ...presenceFields })
    .strict()
    .refine(reasonOnlyWhenAway, REASON_RULE),
  /**
   * A fresh access token for this connection (sent after a refresh). The relay closes a connection
   * whose token expired without one (RELAY_ERR_TOKEN_EXPIRED, 4401).
   */
  z.object({ t: z.literal('reauth'), accessToken: z.string().max(4096) }).strict(),
  /** Accept or decline an offer. */
  z.object({ t: z.literal('offerReply'), offerId: z.string().max(64), accept: z.boolean() }).strict(),
  /** The agent is (or stopped) typing a reply in a conversation assigned to them (web chat shows it). */
  z.object({ t: z.literal('typing'), conversationId: z.string().max(64), on: z.boolean() }).strict(),
  /** The agent read a conversation assigned to them (web chat shows the customer a read receipt). */
  z.object({ t: z.literal('read'), conversationId: z.string().max(64) }).strict(),
  /** The agent saw what moved from them while they were offline, up to this ISO time (see movedWhileAway). */
  z.object({ t: z.literal('movedSeen'), upTo: z.string().datetime() }).strict(),
  /**
   * A supervisor (their teams) or admin (all) starts or stops receiving the live board
   * (`board` frames); anyone else is answered RELAY_ERR_FORBIDDEN and gets nothing.
   */
  z.object({ t: z.literal('watch'), on: z.boolean() }).strict(),
]);
export type ClientFrame = z.infer<typeof clientFrameSchema>;

export type PushOutcome =
  | { id: string; status: 'applied'; seq: number }
  /** The id was applied before: the first answer, unchanged. */
  | { id: string; status: 'duplicate'; seq: number }
  | { id: string; status: 'rejected'; code: RelayErrorCode; message: string };

/** A conversation offered to an agent by routing. */
export type OfferView = {
  offerId: string;
  conversationId: string;
  /** When the offer lapses, by the relay's clock when the relay sends it; the app rebases it on its own clock (see expiresInMs). */
  expiresAt: string;
  /** How long the offer has left when the relay sends it, so a clock that differs from the relay's still counts down right. */
  expiresInMs: number;
  channel: Channel;
  subject: string;
  customerName: string;
};

/** Frames the relay sends. */
export type ServerFrame =
  | { t: 'welcome'; agent: { id: string } & AgentData; deviceId: string; head: number; resync: boolean }
  /** Changes after the client's cursor (pull answers and live fan-out); `cursor` is the new position. */
  | { t: 'changes'; changes: Change[]; cursor: number; more: boolean }
  | { t: 'snapshotBegin'; total: number; head: number }
  | { t: 'snapshot'; changes: Change[]; done: number; total: number }
  | { t: 'snapshotEnd'; cursor: number }
  | { t: 'pushResult'; batch: number; results: PushOutcome[] }
  /** `batch` is set when the error answers a whole `push` (e.g. RELAY_ERR_BATCH_TOO_LARGE). */
  /** Work offered to this agent until `expiresAt`; answer with offerReply. */
  | { t: 'offer'; offer: OfferView }
  | { t: 'offerWithdrawn'; offerId: string; reason: 'timeout' | 'declined' | 'agent-unavailable' }
  /** The answer to an accept: false when the offer had already expired or been withdrawn. */
  | { t: 'offerResult'; offerId: string; assigned: boolean }
  /** The customer of a conversation assigned to this agent is (or stopped) typing (web chat). */
  | { t: 'typing'; conversationId: string; on: boolean }
  /**
   * Live work that moved to colleagues while this agent was offline (its customer was waiting when
   * the team's grace ran out). Sent on every connection until answered with movedSeen.
   */
  | { t: 'movedWhileAway'; moved: MovedWhileAway[] }
  /** The live board of this supervisor's scope, whole, each time a figure in it changed (after `watch`). */
  | { t: 'board'; board: SupervisorBoard }
  /**
   * This watcher's board lost part or all of its scope since the last board (BoardAccessLost); sent
   * before the narrower board, or instead of any more boards when the watch ended.
   */
  | ({ t: 'boardAccessLost' } & BoardAccessLost)
  /** A supervisor acted on this agent (status, routing, a reassignment, a whisper), with the reason. */
  | { t: 'supervisorNotice'; notice: SupervisorNotice }
  | { t: 'error'; code: RelayErrorCode; message: string; batch?: number };

/** HTTP bodies of `/v1/auth/*`. */
export const loginRequestSchema = z
  .object({
    email: z.string().email().max(254),
    password: z.string().min(1).max(1024),
    deviceName: z.string().min(1).max(100),
  })
  .strict();
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export type TokenPair = {
  accessToken: string;
  /** ISO time the access token stops working; refresh before then. */
  accessExpiresAt: string;
  refreshToken: string;
  deviceId: string;
  agent: { id: string } & AgentData;
  /** Set after an admin reset the password: only `POST /v1/auth/password` is accepted until then. */
  mustChangePassword?: true;
};

export const refreshRequestSchema = z.object({ refreshToken: z.string().min(1).max(4096) }).strict();
