import type { Role } from '../../shared/sync/entities';

/** Who is asking: the signed-in agent with its current role and team ids. */
export type Viewer = { agentId: string; role: Role; teamIds: ReadonlySet<string> };

/** The viewer a signed-in principal is now: its role and current teams (from the accounts). */
export function viewerOf(
  p: { agentId: string; role: Role },
  accounts: { teamIdsOf(agentId: string): string[] },
): Viewer {
  return { agentId: p.agentId, role: p.role, teamIds: new Set(accounts.teamIdsOf(p.agentId)) };
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
 * Live fan-out (sync/fanout.ts) applies this rule through audienceOf below, an index of viewers
 * by team and agent; tests/integration/relay/visibility.test.ts holds both to the same answers.
 */
export function canSee(viewer: Viewer, convId: string | null, scope: ConversationScope | null): boolean {
  if (viewer.role === 'admin' || convId === null) return true;
  if (!scope) return false;
  return scope.assigneeId === viewer.agentId || (scope.teamId !== null && viewer.teamIds.has(scope.teamId));
}

/**
 * The same rule as SQL over `records r`, for pulls and snapshots. Bind `@all` (1 for admins)
 * and `@agent`.
 */
export const VISIBLE_SQL = `(@all = 1 OR r.conv_id IS NULL OR EXISTS (
  SELECT 1 FROM records c WHERE c.entity = 'conversation' AND c.id = r.conv_id
    AND (c.assignee_id = @agent OR c.team_id IN (SELECT team_id FROM team_members WHERE agent_id = @agent))))`;

/** Parameters for VISIBLE_SQL. */
export function visibilityParams(viewer: Viewer): { all: number; agent: string } {
  return { all: viewer.role === 'admin' ? 1 : 0, agent: viewer.agentId };
}

/** Who may see a record, for many viewers at once: canSee's rule, indexed (see audienceOf). */
export type Audience<T> = {
  /** Calls `fn` for each viewer that may see a record of `convId` (possibly twice: team and assignee). */
  each(convId: string | null, scope: ConversationScope | null, fn: (member: T) => void): void;
};

/**
 * The rule of canSee over many viewers, indexed once by team and agent, so telling which of them
 * may see each of n records costs O(viewers + n x audience) rather than O(viewers x n): a record
 * of no conversation goes to everyone; one of a conversation to the admins, its team and its
 * assignee.
 */
export function audienceOf<T>(members: readonly { member: T; viewer: Viewer }[]): Audience<T> {
  const admins: T[] = [];
  const byTeam = new Map<string, T[]>();
  const byAgent = new Map<string, T[]>();
  const add = (m: Map<string, T[]>, k: string, t: T) => {
    const l = m.get(k);
    if (l) l.push(t);
    else m.set(k, [t]);
  };
  for (const { member, viewer } of members) {
    if (viewer.role === 'admin') admins.push(member);
    else {
      for (const t of viewer.teamIds) add(byTeam, t, member);
      add(byAgent, viewer.agentId, member);
    }
  }
  return {
    each(convId, scope, fn) {
      if (convId === null) return members.forEach((m) => fn(m.member));
      admins.forEach(fn);
      if (scope?.teamId) byTeam.get(scope.teamId)?.forEach(fn);
      if (scope?.assigneeId) byAgent.get(scope.assigneeId)?.forEach(fn);
    },
  };
}
