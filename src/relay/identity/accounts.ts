import type { AgentData, Channel, Role } from '../../shared/sync/entities';
import type { HlcClock } from '../../shared/sync/hlc';
import { uuidv7 } from '../../shared/sync/ids';
import { RELAY_ERR } from '../../shared/sync/protocol';
import type { Database } from '../data/db';
import { RelayError } from '../core/errors';
import { hashPassword } from './passwords';
import { writeFields } from '../data/records';
import type { Store } from '../data/store';
import type { AsyncStoreReads } from '../data/asyncStore';
import type { AgentRow, IdentityReads } from '../data/identityData';

export type { AgentRow };

/** A person as IT manages them (never the password hash). */
export type Person = {
  id: string;
  email: string;
  name: string;
  role: Role;
  teams: { id: string; name: string }[];
  disabled: boolean;
  disabledAt: string | null;
  disabledReason: string | null;
  mustChangePassword: boolean;
  lastSignInAt: string | null;
  createdAt: string;
};
export type Accounts = ReturnType<typeof createAccounts>;

/**
 * Agents, teams, inboxes and membership. Each lives in its own table (passwords never leave it)
 * and is mirrored as a synced record, so apps get the directory through the change log.
 */
export function createAccounts(db: Database, store: Store, clock: HlcClock, now: () => number) {
  const q = {
    agentById: db.prepare<[string], AgentRow>('SELECT * FROM agents WHERE id = ?'),
    agentByEmail: db.prepare<[string], AgentRow>('SELECT * FROM agents WHERE email = ?'),
    insertAgent: db.prepare(
      'INSERT INTO agents (id, email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    countAdmins: db.prepare<[], number>("SELECT count(*) FROM agents WHERE role = 'admin'").pluck(),
    team: db.prepare<[string], { id: string; name: string }>('SELECT id, name FROM teams WHERE id = ?'),
    teams: db.prepare<[], { id: string; name: string }>('SELECT id, name FROM teams ORDER BY name'),
    insertTeam: db.prepare('INSERT INTO teams (id, name, created_at) VALUES (?, ?, ?)'),
    insertInbox: db.prepare('INSERT INTO inboxes (id, name, channel, team_id) VALUES (?, ?, ?, ?)'),
    inboxFor: db
      .prepare<[string, string], string>(
        'SELECT id FROM inboxes WHERE team_id = ? AND channel = ? ORDER BY id LIMIT 1',
      )
      .pluck(),
    teamIds: db
      .prepare<[string], string>('SELECT team_id FROM team_members WHERE agent_id = ? ORDER BY team_id')
      .pluck(),
    members: db.prepare<[string], { id: string; name: string; email: string; role: Role }>(
      'SELECT a.id, a.name, a.email, a.role FROM team_members m JOIN agents a ON a.id = m.agent_id WHERE m.team_id = ? ORDER BY a.name',
    ),
    addMember: db.prepare('INSERT OR IGNORE INTO team_members (team_id, agent_id) VALUES (?, ?)'),
    removeMember: db.prepare('DELETE FROM team_members WHERE team_id = ? AND agent_id = ?'),
    removeAllMemberships: db.prepare('DELETE FROM team_members WHERE agent_id = ?'),
    allAgents: db.prepare<[], AgentRow>('SELECT * FROM agents ORDER BY name COLLATE NOCASE, email'),
    allMemberships: db.prepare<[], { agent_id: string; id: string; name: string }>(
      'SELECT m.agent_id, t.id, t.name FROM team_members m JOIN teams t ON t.id = m.team_id ORDER BY t.name',
    ),
    countEnabledAdmins: db
      .prepare<[], number>("SELECT count(*) FROM agents WHERE role = 'admin' AND disabled = 0")
      .pluck(),
    setDisabled: db.prepare(
      'UPDATE agents SET disabled = ?, disabled_at = ?, disabled_reason = ? WHERE id = ?',
    ),
    setRole: db.prepare('UPDATE agents SET role = ? WHERE id = ?'),
    setPassword: db.prepare('UPDATE agents SET password_hash = ?, must_change_password = ? WHERE id = ?'),
    signedIn: db.prepare('UPDATE agents SET last_sign_in_at = ? WHERE id = ?'),
  };
  const at = () => new Date(now()).toISOString();
  const meta = (actorId: string | null) => ({ mutationId: null, agentId: actorId });

  function syncAgentRecord(agentId: string, actorId: string | null, fields: Partial<AgentData>): void {
    writeFields(
      store,
      { entity: 'agent', id: agentId, fields, clock: clock.now(), convId: null, at: at() },
      meta(actorId),
    );
  }

  function requireTeam(teamId: string): { id: string; name: string } {
    const t = q.team.get(teamId);
    if (!t) throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no team ${teamId}.`);
    return t;
  }

  function requireAgent(agentId: string): AgentRow {
    const a = q.agentById.get(agentId);
    if (!a) throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no agent ${agentId}.`);
    return a;
  }

  return {
    agentById: (id: string) => q.agentById.get(id) ?? null,
    agentByEmail: (email: string) => q.agentByEmail.get(email.toLowerCase()) ?? null,
    adminCount: () => q.countAdmins.get() ?? 0,
    teamIdsOf: (agentId: string) => q.teamIds.all(agentId),
    /** Admins oversee every team; a supervisor, the teams they belong to. */
    oversees: (p: { agentId: string; role: Role }, teamId: string | null): boolean =>
      p.role === 'admin' ||
      (p.role === 'supervisor' && !!teamId && q.teamIds.all(p.agentId).includes(teamId)),
    /**
     * Whether `p` may change an agent's routing settings (skills, capacity): admins anyone; a
     * supervisor only agents (role agent) of a team they oversee. Never an admin or a fellow
     * supervisor, and never themselves: who takes how much work is set by the level above.
     */
    managesAgent(p: { agentId: string; role: Role }, agentId: string): boolean {
      if (p.role === 'admin') return true;
      const target = q.agentById.get(agentId);
      if (p.role !== 'supervisor' || !target || target.role !== 'agent') return false;
      const mine = new Set(q.teamIds.all(p.agentId));
      return q.teamIds.all(agentId).some((t) => mine.has(t));
    },
    teams: () => q.teams.all(),
    team: (id: string) => q.team.get(id) ?? null,
    members: (teamId: string) => (requireTeam(teamId), q.members.all(teamId)),
    inboxFor: (teamId: string, channel: Channel) => q.inboxFor.get(teamId, channel) ?? null,
    requireTeam,

    /** The agent as apps see it: `{id, name, email, role, teamIds, skills}`. */
    publicAgent(agentId: string): { id: string } & AgentData {
      const a = requireAgent(agentId);
      const rec = store.get('agent', agentId);
      const skills = (rec?.data['skills'] as string[] | undefined) ?? [];
      return { id: a.id, name: a.name, email: a.email, role: a.role, teamIds: q.teamIds.all(a.id), skills };
    },

    /** Creates an agent with a scrypt-hashed password; throws CONFLICT on a taken email. */
    async createAgent(
      input: { email: string; password: string; name: string; role: Role; teamIds?: string[] },
      actorId: string | null,
    ) {
      const email = input.email.trim().toLowerCase();
      if (input.password.length < 8)
        throw new RelayError(RELAY_ERR.VALIDATION, 'The password must have at least 8 characters.');
      const hash = await hashPassword(input.password);
      const id = uuidv7(now());
      store.transaction(() => {
        if (q.agentByEmail.get(email))
          throw new RelayError(RELAY_ERR.CONFLICT, `An agent with the email ${email} already exists.`);
        q.insertAgent.run(id, email, input.name, input.role, hash, now());
        for (const t of input.teamIds ?? []) {
          requireTeam(t);
          q.addMember.run(t, id);
        }
        syncAgentRecord(id, actorId, {
          name: input.name,
          email,
          role: input.role,
          teamIds: q.teamIds.all(id),
          skills: [],
        });
      });
      return this.publicAgent(id);
    },

    createTeam(
      name: string,
      actorId: string | null,
      id: string = uuidv7(now()),
    ): { id: string; name: string } {
      store.transaction(() => {
        q.insertTeam.run(id, name, now());
        writeFields(
          store,
          { entity: 'team', id, fields: { name }, clock: clock.now(), convId: null, at: at() },
          meta(actorId),
        );
      });
      return { id, name };
    },

    createInbox(input: { name: string; channel: Channel; teamId: string }, actorId: string | null) {
      const id = uuidv7(now());
      store.transaction(() => {
        requireTeam(input.teamId);
        q.insertInbox.run(id, input.name, input.channel, input.teamId);
        writeFields(
          store,
          { entity: 'inbox', id, fields: { ...input }, clock: clock.now(), convId: null, at: at() },
          meta(actorId),
        );
      });
      return { id, ...input };
    },

    /** Everyone with role, teams, standing and last sign-in, by name. */
    people(): Person[] {
      const teams = new Map<string, { id: string; name: string }[]>();
      for (const m of q.allMemberships.all())
        teams.set(m.agent_id, [...(teams.get(m.agent_id) ?? []), { id: m.id, name: m.name }]);
      return q.allAgents.all().map((a) => personOf(a, teams.get(a.id) ?? []));
    },

    person(agentId: string): Person {
      const a = requireAgent(agentId);
      return personOf(
        a,
        q.allMemberships.all().filter((m) => m.agent_id === agentId),
      );
    },

    requireAgent,
    enabledAdminCount: () => q.countEnabledAdmins.get() ?? 0,

    /** Disables (with a reason people are shown) or re-enables an account. */
    setDisabled(agentId: string, disabled: boolean, reason: string | null): void {
      requireAgent(agentId);
      q.setDisabled.run(disabled ? 1 : 0, disabled ? now() : null, disabled ? reason : null, agentId);
    },

    /** Changes a role in the accounts table and the synced agent record. */
    setRole(agentId: string, role: Role, actorId: string | null): void {
      store.transaction(() => {
        requireAgent(agentId);
        q.setRole.run(role, agentId);
        syncAgentRecord(agentId, actorId, { role });
      });
    },

    /** Makes the agent a member of exactly `teamIds` and re-syncs their teamIds. */
    setTeams(agentId: string, teamIds: readonly string[], actorId: string | null): void {
      store.transaction(() => {
        requireAgent(agentId);
        for (const t of teamIds) requireTeam(t);
        q.removeAllMemberships.run(agentId);
        for (const t of teamIds) q.addMember.run(t, agentId);
        syncAgentRecord(agentId, actorId, { teamIds: q.teamIds.all(agentId) });
      });
    },

    /** Stores a new password hash; `mustChange` makes the next sign-in ask for a new one. */
    setPasswordHash(agentId: string, hash: string, mustChange: boolean): void {
      q.setPassword.run(hash, mustChange ? 1 : 0, agentId);
    },

    markSignedIn: (agentId: string) => void q.signedIn.run(now(), agentId),

    /** Adds or removes a member and re-syncs the agent's teamIds. */
    setMembership(teamId: string, agentId: string, member: boolean, actorId: string | null): void {
      store.transaction(() => {
        requireTeam(teamId);
        requireAgent(agentId);
        if (member) q.addMember.run(teamId, agentId);
        else q.removeMember.run(teamId, agentId);
        syncAgentRecord(agentId, actorId, { teamIds: q.teamIds.all(agentId) });
      });
    },
  };
}

function personOf(a: AgentRow, teams: { id: string; name: string }[]): Person {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: a.id,
    email: a.email,
    name: a.name,
    role: a.role,
    teams,
    disabled: a.disabled === 1,
    disabledAt: iso(a.disabled_at),
    disabledReason: a.disabled_reason,
    mustChangePassword: a.must_change_password === 1,
    lastSignInAt: iso(a.last_sign_in_at),
    createdAt: new Date(a.created_at).toISOString(),
  };
}

/**
 * The agent as apps see it (`{id, name, email, role, teamIds, skills}`): the account, its teams,
 * and the skills kept on its synced record. The asynchronous form, for rooms on the repositories.
 */
export async function publicAgentOf(
  identity: Pick<IdentityReads, 'teamIdsOf'>,
  records: Pick<AsyncStoreReads, 'get'>,
  a: AgentRow,
): Promise<{ id: string } & AgentData> {
  const rec = await records.get('agent', a.id);
  const skills = (rec?.data['skills'] as string[] | undefined) ?? [];
  return {
    id: a.id,
    name: a.name,
    email: a.email,
    role: a.role,
    teamIds: await identity.teamIdsOf(a.id),
    skills,
  };
}
