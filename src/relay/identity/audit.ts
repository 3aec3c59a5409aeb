import type { AuditEntryView } from '../../shared/adminApi';
import type { IncomingMessage } from 'node:http';
import type { AuditRow, IdentityData, IdentityWrites } from '../data/identityData';
import type { Logger } from '../core/logger';

/**
 * Named actions of the audit log. Names read `<area>.<what happened>`; a new security-relevant
 * action gets a constant here, never a string at the call site.
 */
export const AUDIT = {
  SIGN_IN: 'auth.signIn',
  SIGN_IN_FAILED: 'auth.signInFailed',
  SIGN_IN_THROTTLED: 'auth.signInThrottled',
  /** A refresh token was used twice (it leaked), so its device was revoked. */
  REFRESH_REUSED: 'auth.refreshReused',
  PASSWORD_CHANGED: 'auth.passwordChanged',
  DEVICE_REVOKED: 'device.revoked',
  ACCOUNT_CREATED: 'account.created',
  ACCOUNT_DISABLED: 'account.disabled',
  ACCOUNT_ENABLED: 'account.enabled',
  PASSWORD_RESET: 'account.passwordReset',
  ROLE_CHANGED: 'account.roleChanged',
  TEAMS_CHANGED: 'account.teamsChanged',
  TEAM_CREATED: 'team.created',
  INBOX_CREATED: 'inbox.created',
  API_KEY_CREATED: 'apiKey.created',
  API_KEY_REVOKED: 'apiKey.revoked',
  QUEUE_ROUTING_CHANGED: 'routing.queueChanged',
  AGENT_ROUTING_CHANGED: 'routing.agentChanged',
  /** A team's grace for live work on a dropped connection. */
  TEAM_ROUTING_CHANGED: 'routing.teamChanged',
  CONVERSATION_ASSIGNED: 'routing.conversationAssigned',
  /** An inbox's SLA policy (targets, business hours, holidays). */
  SLA_POLICY_CHANGED: 'sla.policyChanged',
  RECORDING_POLICY_CHANGED: 'recording.policyChanged',
  RECORDING_PLAYED: 'recording.played',
  WEBCHAT_SETTINGS_CHANGED: 'webchat.settingsChanged',
  WEBCHAT_SETTINGS_RESET: 'webchat.settingsReset',
  /** An inbox's mailbox account (IMAP/SMTP servers, users, passwords) was set or changed. */
  EMAIL_SETTINGS_CHANGED: 'email.settingsChanged',
  EMAIL_SETTINGS_REMOVED: 'email.settingsRemoved',
  /** An agent had the relay fetch a mail's remote images (which tells a tracking sender it was opened). */
  EMAIL_REMOTE_IMAGES_LOADED: 'email.remoteImagesLoaded',
  /** An API inbox's webhook (URL, signing secret) was set or changed; the secret itself is never logged. */
  WEBHOOK_CHANGED: 'webhook.changed',
  WEBHOOK_REMOVED: 'webhook.removed',
  UPDATE_PUBLISHED: 'update.published',
  UPDATE_WITHDRAWN: 'update.withdrawn',
  MONITORING_GRANTED: 'monitoring.granted',
  /** A grant was refused: asked for by someone who may not, or redeemed forged, expired, replayed or mismatched. */
  MONITORING_REFUSED: 'monitoring.refused',
  /** The agent's app checked a grant at the relay and joined the supervisor to the call. */
  MONITORING_REDEEMED: 'monitoring.redeemed',
  /** A monitoring session ended (the supervisor left, the call ended, mixing failed): how long it ran. */
  MONITORING_ENDED: 'monitoring.ended',
  /** A team's setting of whether its agents see that they are monitored. */
  MONITORING_POLICY_CHANGED: 'monitoring.policyChanged',
  /** A supervisor or admin set an agent's status from the live view (with the reason they were shown). */
  SUPERVISOR_STATUS_SET: 'supervisor.statusSet',
  SUPERVISOR_LOGGED_OUT: 'supervisor.loggedOut',
  SUPERVISOR_REASSIGNED: 'supervisor.reassigned',
  SUPERVISOR_TOOK: 'supervisor.took',
  /** A note shown only to the agent (its length is kept, not its words). */
  SUPERVISOR_WHISPERED: 'supervisor.whispered',
  /** A supervisor action refused for lack of scope (who tried, on what). */
  SUPERVISOR_REFUSED: 'supervisor.refused',
  /**
   * A pushed change refused as security-relevant: outside the agent's scope (FORBIDDEN), or one
   * that would have mailed an address not the customer's. The reason is kept, not the arguments.
   */
  SYNC_REFUSED: 'sync.refused',
  AUDIT_EXPORTED: 'audit.exported',
  /** A report's figures (per agent, team, queue or channel) were exported as a CSV file. */
  REPORT_EXPORTED: 'report.exported',
} as const;
export type AuditAction = (typeof AUDIT)[keyof typeof AUDIT];
export const AUDIT_ACTIONS: readonly AuditAction[] = Object.values(AUDIT);

/** What a caller records. `detail` says what changed (never a secret or a password). */
export type AuditInput = {
  /** Who acted; null when nobody was signed in (a failed sign-in, the command line). */
  actorId: string | null;
  action: AuditAction;
  /** What was acted on: an agent, device, inbox, key or team id, a file, an email tried. */
  target?: string | null;
  detail?: Record<string, unknown>;
  /** The source address of the request, when there was one (see `clientIp`). */
  ip?: string | null;
};

/** One line as the admin API answers it: the shape the app reads (shared/adminApi). */
export type AuditEntry = AuditEntryView;

export type AuditQuery = {
  /** An agent id, or an email (matched case-insensitively to that agent). */
  actor?: string;
  action?: string;
  /** Inclusive lower bound, ms since the epoch. */
  since?: number;
  /** Exclusive upper bound, ms since the epoch. */
  until?: number;
  /** Entries older than this seq (the previous page's `nextCursor`). */
  cursor?: number;
  limit: number;
};

export type AuditOptions = {
  /** Largest `detail` kept, in bytes of JSON; larger ones are cut to a marker. Default 4 KiB. */
  maxDetailBytes?: number;
};

export type Audit = ReturnType<typeof createAudit>;

/** The source address of a request, without the IPv4-mapped prefix (`::ffff:`). */
export function clientIp(req: Pick<IncomingMessage, 'socket'>): string | null {
  const a = req.socket.remoteAddress;
  if (!a) return null;
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

/**
 * The relay's append-only audit log on the identity repository: `record` writes one line (through
 * `tx` when given, so a rolled-back change leaves no line; on SQLite a line recorded inside an
 * open transaction of the connection is part of it anyway), `query` reads newest first.
 * [maxDetailBytes=4096]
 */
export function createAudit(d: {
  identity: IdentityData;
  now: () => number;
  log: Logger;
  options?: AuditOptions;
}) {
  const maxDetail = d.options?.maxDetailBytes ?? 4096;

  return {
    /**
     * Appends one line. A failure to write is logged with the whole entry, never thrown at the
     * caller: the promise always resolves (await it only to know the line was written).
     */
    async record(e: AuditInput, tx: Pick<IdentityWrites, 'appendAudit'> = d.identity): Promise<void> {
      let detail = JSON.stringify(e.detail ?? {});
      if (Buffer.byteLength(detail) > maxDetail) detail = JSON.stringify({ truncated: true });
      const line = {
        at: d.now(),
        actor_id: e.actorId,
        action: e.action,
        target: e.target ?? null,
        detail,
        ip: e.ip ?? null,
      };
      try {
        await tx.appendAudit(line);
      } catch (err) {
        d.log.error({ err, audit: e }, 'could not write an audit line');
      }
    },

    /** One page, newest first; `nextCursor` is null on the last page. */
    async query(q: AuditQuery): Promise<{ entries: AuditEntry[]; nextCursor: number | null }> {
      let actorId: string | undefined;
      if (q.actor !== undefined)
        actorId = q.actor.includes('@')
          ? ((await d.identity.agentByEmail(q.actor.trim()))?.id ?? '')
          : q.actor;
      const rows = await d.identity.auditLines({
        ...(actorId !== undefined ? { actorId } : {}),
        ...(q.action !== undefined ? { action: q.action } : {}),
        ...(q.since !== undefined ? { since: q.since } : {}),
        ...(q.until !== undefined ? { until: q.until } : {}),
        ...(q.cursor !== undefined ? { before: q.cursor } : {}),
        limit: q.limit + 1,
      });
      const more = rows.length > q.limit;
      const page = more ? rows.slice(0, q.limit) : rows;
      return { entries: page.map(entryOf), nextCursor: more ? page.at(-1)!.seq : null };
    },
  };
}

function entryOf(r: AuditRow): AuditEntry {
  let detail: Record<string, unknown> = {};
  try {
    detail = JSON.parse(r.detail) as Record<string, unknown>;
  } catch {
    detail = { unreadable: r.detail };
  }
  return {
    seq: r.seq,
    at: new Date(r.at).toISOString(),
    actorId: r.actor_id,
    actorEmail: r.email,
    actorName: r.name,
    action: r.action,
    target: r.target,
    detail,
    ip: r.ip,
  };
}

export const AUDIT_CSV_HEADER = [
  'seq',
  'time',
  'actor email',
  'actor id',
  'action',
  'target',
  'ip',
  'detail',
];

/**
 * One CSV cell (RFC 4180): quoted when it holds a quote, comma or line break. A cell that a
 * spreadsheet would run as a formula (starting with = + - @, or a tab or CR) gets a leading `'`.
 */
export function csvCell(value: string | number | null): string {
  let s = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV lines (CRLF-terminated) for entries, in the columns of AUDIT_CSV_HEADER. */
export function auditCsvRows(entries: readonly AuditEntry[]): string {
  return entries
    .map(
      (e) =>
        [e.seq, e.at, e.actorEmail, e.actorId, e.action, e.target, e.ip, JSON.stringify(e.detail)]
          .map(csvCell)
          .join(',') + '\r\n',
    )
    .join('');
}
