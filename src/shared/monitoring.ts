import { z } from 'zod';
import { UUID_RE } from './sync/ids';

/**
 * Supervision of a live call (ARCHITECTURE.md, "Softphone and supervision"): listen (the
 * supervisor hears both sides, nobody hears the supervisor), whisper (only the agent hears the
 * supervisor), barge (all three hear each other).
 */
export const MONITOR_MODES = ['listen', 'whisper', 'barge'] as const;
export type MonitorMode = (typeof MONITOR_MODES)[number];

/** The SIP header that carries a grant on the supervisor's INVITE (and its INFO on a mode change). */
export const GRANT_HEADER = 'X-Switchboard-Grant';
/** Content type of the in-dialog INFO whose body is a new grant (a mode change). */
export const GRANT_INFO_TYPE = 'application/x-switchboard-grant';

/** Limits of grants: the relay's option defaults and the largest token anyone parses. */
export const GRANT_LIMITS = {
  /** A grant is good for this long after it is issued: enough to place the call. */
  defaultTtlMs: 30_000,
  minTtlMs: 1_000,
  maxTtlMs: 300_000,
  maxTokenChars: 2_048,
} as const;

const uuid = z.string().regex(UUID_RE, 'must be a UUID');
const sipUser = z.string().regex(/^[A-Za-z0-9._+-]{1,64}$/);

/** `POST /v1/monitoring/grants`: the live call (by its conversation or its SIP Call-ID) and the mode. */
export const grantRequestSchema = z
  .object({
    callConversationId: uuid.optional(),
    callId: z.string().min(1).max(256).optional(),
    mode: z.enum(MONITOR_MODES),
  })
  .strict()
  .refine((r) => (r.callConversationId === undefined) !== (r.callId === undefined), {
    message: 'give either callConversationId or callId',
  });
export type GrantRequest = z.infer<typeof grantRequestSchema>;

/** What a grant says, signed by the relay (Ed25519). Times are ms since the epoch. */
export const grantClaimsSchema = z
  .object({
    v: z.literal(1),
    /** Single use: the nonce the relay and the agent's app remember. */
    id: uuid,
    mode: z.enum(MONITOR_MODES),
    supervisorId: uuid,
    /** The SIP user the supervisor's softphone is registered as (the INVITE's From). */
    supervisorSipUser: sipUser,
    supervisorName: z.string().max(200),
    agentId: uuid,
    agentSipUser: sipUser,
    conversationId: uuid,
    /** The SIP Call-ID of the customer's call as it reached the agent's phone. */
    callId: z.string().min(1).max(256),
    /** Whether the agent's app shows that the call is monitored (the team's setting). */
    agentSees: z.boolean(),
    issuedAt: z.number().int(),
    expiresAt: z.number().int(),
  })
  .strict();
export type GrantClaims = z.infer<typeof grantClaimsSchema>;

/** `POST /v1/monitoring/grants` answer: the token to carry and what it names. */
export type IssuedGrant = { grant: string; claims: GrantClaims };

/**
 * `POST /v1/monitoring/redeem` (the agent's app, before it answers): the token, and what the app
 * itself saw, so a mismatch is refused and logged on the relay too.
 */
export const redeemRequestSchema = z
  .object({
    grant: z.string().min(1).max(GRANT_LIMITS.maxTokenChars),
    observed: z
      .object({
        /** The SIP Call-ID of the live customer call the grant names, or null if none is live here. */
        callId: z.string().max(256).nullable(),
        /** The From user of the supervisor's INVITE (or of the INFO's dialog). */
        fromUser: z.string().max(256),
        /** The grant of the session this one changes the mode of, when it is a mode change. */
        sessionGrantId: uuid.nullable().optional(),
      })
      .strict(),
  })
  .strict();
export type RedeemRequest = z.infer<typeof redeemRequestSchema>;

/** Why a monitoring session ended, as the supervisor's or the agent's app saw it. */
export const MONITOR_END_REASONS = ['supervisor-left', 'call-ended', 'failed'] as const;
export type MonitorEndReason = (typeof MONITOR_END_REASONS)[number];

/**
 * `POST /v1/monitoring/end` (the supervisor's or the agent's app, whichever sees it first): the
 * session's first grant and why it ended. The relay writes one audit line per session.
 */
export const endRequestSchema = z.object({ grantId: uuid, reason: z.enum(MONITOR_END_REASONS) }).strict();
export type EndRequest = z.infer<typeof endRequestSchema>;
/** What the relay answers: `recorded` is false when the session's end was recorded already. */
export type EndResult = { recorded: boolean };

/** Why a grant was refused; each is written to the audit log as it happens. */
export const GRANT_REFUSALS = [
  'malformed',
  'forged',
  'expired',
  'replayed',
  'unknown',
  'not-for-you',
  'call-not-live',
  'wrong-call',
  'wrong-supervisor',
  'wrong-session',
] as const;
export type GrantRefusal = (typeof GRANT_REFUSALS)[number];

/** A team's monitoring setting, on the team record (`monitoring`); rules differ by country. */
export const teamMonitoringSchema = z.object({ agentSees: z.boolean() }).strict();
export type TeamMonitoring = z.infer<typeof teamMonitoringSchema>;
export const DEFAULT_TEAM_MONITORING: TeamMonitoring = { agentSees: true };

/** The team's stored setting, or the default (shown); stored values are trusted only after parsing. */
export function teamMonitoringOf(data: Record<string, unknown> | undefined): TeamMonitoring {
  const r = teamMonitoringSchema.safeParse(data?.['monitoring']);
  return r.success ? r.data : DEFAULT_TEAM_MONITORING;
}

/** A grant token: `sbg1.<base64url claims JSON>.<base64url Ed25519 signature of the claims part>`. */
export const GRANT_PREFIX = 'sbg1';

/** Splits a token into its signed part and signature (base64url); null when it is not one. */
export function splitGrant(token: string): { signed: string; claims: string; signature: string } | null {
  if (token.length > GRANT_LIMITS.maxTokenChars) return null;
  const m = /^(sbg1\.([A-Za-z0-9_-]+))\.([A-Za-z0-9_-]+)$/.exec(token);
  return m ? { signed: m[1]!, claims: m[2]!, signature: m[3]! } : null;
}
