import { SUM_FIELDS, type ReportGroupBy, type ReportRow } from '../../shared/reports/figures';
import { CHANNELS } from '../../shared/sync/entities';
import type DatabaseCtor from 'better-sqlite3-multiple-ciphers';
import type { Database } from './db';

/** Seconds by channel; a channel missing from a target map has no target (its figure is not measured). */
export type Targets = Record<string, number>;

/** Default service-level targets: a call answered within 20 s, a chat within 60 s (live channels only). */
export const DEFAULT_SERVICE_LEVEL_SEC: Targets = { voice: 20, chat: 60 };
/**
 * Default first-response targets by channel, the SLA of a conversation under no SLA policy: live
 * channels in a minute or two, messaging in 15 minutes, email and the API in 4 hours.
 */
export const DEFAULT_FIRST_RESPONSE_SEC: Targets = {
  voice: 60,
  chat: 120,
  sms: 900,
  whatsapp: 900,
  wechat: 900,
  email: 14_400,
  api: 14_400,
};

const GROUP_COLUMN: Record<ReportGroupBy, string> = {
  agent: 'agent_id',
  team: 'team_id',
  queue: 'inbox_id',
  channel: 'channel',
};

/** `CASE f.channel WHEN 'voice' THEN 20000 … END` (ms), from validated numbers only. */
function perChannelMs(targets: Targets): string {
  const arms = CHANNELS.filter((c) => Number.isFinite(targets[c])).map(
    (c) => `WHEN '${c}' THEN ${Math.round(targets[c]! * 1000)}`,
  );
  return arms.length ? `(CASE f.channel ${arms.join(' ')} END)` : 'NULL';
}

/**
 * SLA compliance, the one place it is defined, as SQL over `report_facts f` (`@now` bound):
 * - under an inbox's SLA policy (shared/sla: due times set as customers write, cleared when met,
 *   breaches counted by the relay's timer): breached when a due time was breached, or one still
 *   owed has passed; met when nothing was breached and nothing is owed any more;
 * - with no policy: a first response within the channel's target after the customer's first
 *   message; a customer who left unanswered (abandoned) counts neither way.
 */
export function slaSql(firstResponse: Targets): { met: string; breached: string } {
  const due = `(f.first_in_at + ${perChannelMs(firstResponse)})`;
  const responded = `(f.first_in_at IS NOT NULL AND f.first_response_at IS NOT NULL AND f.first_response_at >= f.first_in_at)`;
  const left = `(f.channel = 'chat' AND f.resolved_at IS NOT NULL AND f.first_response_at IS NULL AND f.first_in_at IS NOT NULL)`;
  const policyBreached = `(f.sla_breaches > 0 OR (f.sla_due_at IS NOT NULL AND f.sla_due_at <= @now AND f.resolved_at IS NULL))`;
  return {
    met: `(CASE WHEN f.sla_owed = 1 THEN NOT ${policyBreached} AND (f.sla_due_at IS NULL OR f.resolved_at IS NOT NULL)
      ELSE ${responded} AND ${due} IS NOT NULL AND f.first_response_at <= ${due} END)`,
    breached: `(CASE WHEN f.sla_owed = 1 THEN ${policyBreached}
      ELSE f.first_in_at IS NOT NULL AND ${due} IS NOT NULL AND f.abandoned = 0 AND NOT ${left}
        AND ((${responded} AND f.first_response_at > ${due}) OR (f.first_response_at IS NULL AND ${due} <= @now)) END)`,
  };
}

export type ReportQueries = ReturnType<typeof createReportQueries>;

/**
 * The named report queries over report_facts (reportFacts.ts): sums per group and bucket for a
 * list of [start, end) buckets, for every conversation (admins) or those of a set of teams.
 * Each bucket is one range scan of the table, clustered by created_at (of report_facts_team_created for teams).
 */
export function createReportQueries(
  db: Database,
  targets: { serviceLevelSec: Targets; firstResponseSec: Targets },
) {
  const c: ReportQueriesContext = {
    db,
    sqlParts: { sla: slaSql(targets.firstResponseSec), serviceLevel: perChannelMs(targets.serviceLevelSec) },
    statements: new Map(),
  };
  const names = {
    agent: db.prepare<[], { key: string; name: string }>('SELECT id AS key, name FROM agents'),
    team: db.prepare<[], { key: string; name: string }>('SELECT id AS key, name FROM teams'),
    queue: db.prepare<[], { key: string; name: string }>('SELECT id AS key, name FROM inboxes'),
  };

  return {
    /**
     * Sums per group and bucket. `teamIds` null: every conversation (admins); else only those
     * of these teams. `now` decides which unanswered conversations are past their SLA.
     */
    sums: (
      groupBy: ReportGroupBy,
      bounds: readonly (readonly [number, number])[],
      teamIds: readonly string[] | null,
      now: number,
    ): ReportRow[] => sums(c, groupBy, bounds, teamIds, now),
    /** Names of the groups' keys (agents, teams, inboxes); channels are named by the app. */
    names(groupBy: ReportGroupBy): Map<string, string> {
      if (groupBy === 'channel') return new Map();
      return new Map(names[groupBy].all().map((r) => [r.key, r.name]));
    },
    /** The plan of a report's query, for the test that it uses its index. */
    plan: (groupBy: ReportGroupBy, scoped: boolean): string[] => plan(c, groupBy, scoped),
  };
}

/** The targets' SQL that every report query shares: SLA met and breached, the service-level time. */
type ReportSqlParts = { sla: { met: string; breached: string }; serviceLevel: string };

type SumsParams = { bounds: string; now: number; teams?: string };
type SumsStatement = DatabaseCtor.Statement<[SumsParams], Record<string, number | string>>;

/** What the report queries share: the database, the targets' SQL, and the sums statements prepared so far. */
type ReportQueriesContext = {
  db: Database;
  sqlParts: ReportSqlParts;
  /** By `<groupBy>:<scoped>`, each prepared on first use. */
  statements: Map<string, SumsStatement>;
};

/** Per conversation first (flags and times), then sums: SQLite has no column aliases in the same SELECT. */
function perConversationSql(p: ReportSqlParts, col: string, scoped: boolean): string {
  return `
    SELECT b.i AS bucket, coalesce(f.${col}, '') AS grp, f.channel, f.first_in_at AS fin, f.first_response_at AS fr,
      f.created_at, f.resolved_at, f.csat, f.abandoned, f.talk_ms, f.hold_ms, f.rec_calls, f.rec_talk_ms, f.acw_ms,
      ${p.sla.met} AS sla_met, ${p.sla.breached} AS sla_breached, ${p.serviceLevel} AS sl,
      (f.first_in_at IS NOT NULL AND f.first_response_at IS NOT NULL AND f.first_response_at >= f.first_in_at) AS responded,
      (f.channel = 'chat' AND f.resolved_at IS NOT NULL AND f.first_response_at IS NULL AND f.first_in_at IS NOT NULL) AS left_chat
    FROM b ${
      scoped
        ? // Team by team, so each bucket is a range of (team_id, created_at), not every row of a team.
          `CROSS JOIN (SELECT DISTINCT value AS id FROM json_each(@teams)) t
           CROSS JOIN report_facts f INDEXED BY report_facts_team_created
             ON f.team_id = t.id AND f.created_at >= b.s AND f.created_at < b.e`
        : `CROSS JOIN report_facts f ON f.created_at >= b.s AND f.created_at < b.e`
    }`;
}

/** The sums of a report grouped by `col`, over every conversation or (`scoped`) those of `@teams`. */
function sumsSql(p: ReportSqlParts, col: string, scoped: boolean): string {
  return `
    WITH b(i, s, e) AS (
      SELECT CAST(key AS INTEGER), json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(@bounds))
    SELECT bucket, grp AS "group",
      count(*) AS volume,
      total(responded) AS firstResponseCount,
      total(CASE WHEN responded THEN fr - fin ELSE 0 END) AS firstResponseMs,
      total(CASE WHEN channel = 'voice' AND fr IS NOT NULL THEN max(1, rec_calls) ELSE rec_calls END) AS handledCalls,
      total(CASE WHEN talk_ms + hold_ms > 0 THEN talk_ms ELSE rec_talk_ms END) AS talkMs,
      total(hold_ms) AS holdMs,
      total(acw_ms) AS afterCallMs,
      total(resolved_at IS NOT NULL) AS resolvedCount,
      total(CASE WHEN resolved_at IS NOT NULL THEN max(0, resolved_at - created_at) ELSE 0 END) AS resolutionMs,
      total(csat IS NOT NULL) AS csatCount,
      total(csat) AS csatSum,
      total(sla_met) AS slaMet,
      total(sla_breached) AS slaBreached,
      total(channel = 'voice' AND abandoned = 1) AS abandonedCalls,
      total(left_chat) AS abandonedChats,
      total(sl IS NOT NULL AND fin IS NOT NULL) AS serviceOffered,
      total(sl IS NOT NULL AND responded AND fr - fin <= sl) AS serviceWithin
    FROM (${perConversationSql(p, col, scoped)})
    GROUP BY bucket, grp`;
}

/** The sums statement of a grouping, prepared the first time it is asked for. */
function sumsStatement(c: ReportQueriesContext, groupBy: ReportGroupBy, scoped: boolean): SumsStatement {
  const key = `${groupBy}:${scoped}`;
  let s = c.statements.get(key);
  if (!s)
    c.statements.set(
      key,
      (s = c.db.prepare<[SumsParams], Record<string, number | string>>(
        sumsSql(c.sqlParts, GROUP_COLUMN[groupBy], scoped),
      )),
    );
  return s;
}

function sums(
  c: ReportQueriesContext,
  groupBy: ReportGroupBy,
  bounds: readonly (readonly [number, number])[],
  teamIds: readonly string[] | null,
  now: number,
): ReportRow[] {
  const params: SumsParams = { bounds: JSON.stringify(bounds), now };
  if (teamIds) params.teams = JSON.stringify(teamIds);
  return sumsStatement(c, groupBy, teamIds !== null)
    .all(params)
    .map((r) => {
      const row = { group: String(r['group']), bucket: Number(r['bucket']) } as ReportRow;
      for (const f of SUM_FIELDS) row[f] = Number(r[f] ?? 0);
      return row;
    });
}

function plan(c: ReportQueriesContext, groupBy: ReportGroupBy, scoped: boolean): string[] {
  const p = { bounds: '[[0,1]]', now: 0, ...(scoped ? { teams: '[]' } : {}) };
  return (
    c.db.prepare(`EXPLAIN QUERY PLAN ${sumsSql(c.sqlParts, GROUP_COLUMN[groupBy], scoped)}`).all(p) as {
      detail: string;
    }[]
  ).map((r) => r.detail);
}
