import type { Role } from '../../shared/sync/entities';

/** Who is asking: the signed-in agent with its current role and team ids. */
export type Viewer = { agentId: string; role: Role; teamIds: ReadonlySet<string> };

/** The viewer a signed-in principal is now: its role and current teams (from the accounts). */
export function viewerOf(
  p: { agentId: string; role: Role },
  accounts: { teamIdsOf(agentId: string): string[] },
): Viewer {
  return viewerWith(p, accounts.teamIdsOf(p.agentId));
}

/** viewerOf from an asynchronous directory (the identity repository, data/identityData.ts). */
export async function loadViewer(
  p: { agentId: string; role: Role },
  identity: { teamIdsOf(agentId: string): Promise<string[]> },
): Promise<Viewer> {
  return viewerWith(p, await identity.teamIdsOf(p.agentId));
}

/** Who `p` is to the visibility rule, given the teams they belong to. */
export function viewerWith(p: { agentId: string; role: Role }, teamIds: readonly string[]): Viewer {
  return { agentId: p.agentId, role: p.role, teamIds: new Set(teamIds) };
}

/** The scope of a conversation: whose it is. */
export type ConversationScope = { teamId: string | null; assigneeId: string | null };

/**
 * Visibility rule, the one place it is written down:
 * - admins see everything;
 * - records with no conversation (customers, labels, canned replies, teams, inboxes, agents and
 *   their field history) are shared by every signed-in agent: one customer view across branches;
 * - a conversation and what hangs off it (messages, notes, calls, field history) is visible to the
 *   members of its team and to its assignee, whatever their role.
 * A push naming a conversation the caller cannot see is answered RELAY_ERR_FORBIDDEN whether or
 * not it exists (one answer, so probing ids learns nothing), or RELAY_ERR_CONFLICT when the caller
 * could see it before a reassignment. NOT_FOUND is only for shared records that do not exist. An
 * id a create names that some record already holds gets one CONFLICT answer whoever's record it
 * is (mutate.ts refuseTakenId), checked after every other refusal.
 * - a record may narrow that further with an audience of its own (privateToOf): a supervisor's
 *   whisper is seen by the agent it is for, the supervisors who see the conversation and admins,
 *   never by the team's other agents (canSeeRecord).
 * Live fan-out (sync/fanout.ts) applies this rule through audienceOf below, an index of viewers
 * by team and agent; tests/integration/relay/visibility.test.ts holds both to the same answers.
 */
export function canSee(viewer: Viewer, convId: string | null, scope: ConversationScope | null): boolean {
  if (viewer.role === 'admin' || convId === null) return true;
  if (!scope) return false;
  return scope.assigneeId === viewer.agentId || (scope.teamId !== null && viewer.teamIds.has(scope.teamId));
}

/**
 * The one agent a record is private to within its conversation, or null when the conversation's
 * audience sees it: a supervisor's whisper (a note with `whisperTo`). A tombstone has none.
 */
export function privateToOf(entity: string, data: Record<string, unknown> | null): string | null {
  const to = entity === 'note' ? data?.['whisperTo'] : undefined;
  return typeof to === 'string' ? to : null;
}

/** Whether a record with this audience is one the viewer may see (`privateTo` from privateToOf). */
export function canSeeRecord(
  viewer: Viewer,
  convId: string | null,
  scope: ConversationScope | null,
  privateTo: string | null,
): boolean {
  return canSee(viewer, convId, scope) && mayHearPrivate(viewer, privateTo);
}

/** A record private to one agent is theirs, and their overseers' (supervisors, admins). */
function mayHearPrivate(viewer: Viewer, privateTo: string | null): boolean {
  return privateTo === null || viewer.role !== 'agent' || viewer.agentId === privateTo;
}

/** The records of a thread the viewer may see, who already sees the conversation. */
export function visibleOfThread<T extends { entity: string; data: Record<string, unknown> | null }>(
  viewer: Viewer,
  records: readonly T[],
): T[] {
  return records.filter((r) => mayHearPrivate(viewer, privateToOf(r.entity, r.data)));
}

/**
 * The same rule as SQL over `records r`, for pulls and snapshots (SQLite's or PostgreSQL's JSON). Bind `@all` (1 for admins),
 * `@plain` (1 for the role agent) and `@agent`. The audience of a whisper is read from its JSON
 * (notes only, so the hot path of messages and calls never parses a document).
 */
export function visibleSql(dialect: 'sqlite' | 'postgres'): string {
  const whisperTo =
    dialect === 'sqlite' ? "json_extract(r.data, '$.whisperTo')" : "(r.data::jsonb ->> 'whisperTo')";
  return `(@all = 1 OR r.conv_id IS NULL OR (EXISTS (
  SELECT 1 FROM records c WHERE c.entity = 'conversation' AND c.id = r.conv_id
    AND (c.assignee_id = @agent OR c.team_id IN (SELECT team_id FROM team_members WHERE agent_id = @agent)))
  AND (@plain = 0 OR r.entity <> 'note' OR coalesce(${whisperTo}, @agent) = @agent)))`;
}
export const VISIBLE_SQL = visibleSql('sqlite');

/** Parameters for VISIBLE_SQL. */
export function visibilityParams(viewer: Viewer): { all: number; plain: number; agent: string } {
  return {
    all: viewer.role === 'admin' ? 1 : 0,
    plain: viewer.role === 'agent' ? 1 : 0,
    agent: viewer.agentId,
  };
}

/** Who may see a record, for many viewers at once: canSee's rule, indexed (see audienceOf). */
export type Audience<T> = {
  /**
   * Calls `fn` for each viewer that may see a record of `convId` (possibly twice: team and
   * assignee); `privateTo` (privateToOf) narrows it to that agent and the overseers. [default: null]
   */
  each(
    convId: string | null,
    scope: ConversationScope | null,
    fn: (member: T) => void,
    privateTo?: string | null,
  ): void;
};

/**
 * The rule of canSee over many viewers, indexed once by team and agent, so telling which of them
 * may see each of n records costs O(viewers + n x audience) rather than O(viewers x n): a record
 * of no conversation goes to everyone; one of a conversation to the admins, its team and its
 * assignee.
 */
export function audienceOf<T>(members: readonly { member: T; viewer: Viewer }[]): Audience<T> {
  type Entry = { member: T; viewer: Viewer };
  const admins: T[] = [];
  const byTeam = new Map<string, Entry[]>();
  const byAgent = new Map<string, Entry[]>();
  const add = (m: Map<string, Entry[]>, k: string, e: Entry) => {
    const l = m.get(k);
    if (l) l.push(e);
    else m.set(k, [e]);
  };
  for (const e of members) {
    if (e.viewer.role === 'admin') admins.push(e.member);
    else {
      for (const t of e.viewer.teamIds) add(byTeam, t, e);
      add(byAgent, e.viewer.agentId, e);
    }
  }
  return {
    each(convId, scope, fn, privateTo = null) {
      if (convId === null) return members.forEach((m) => fn(m.member));
      admins.forEach(fn);
      const tell = (e: Entry) => {
        if (mayHearPrivate(e.viewer, privateTo)) fn(e.member);
      };
      if (scope?.teamId) byTeam.get(scope.teamId)?.forEach(tell);
      if (scope?.assigneeId) byAgent.get(scope.assigneeId)?.forEach(tell);
    },
  };
}
