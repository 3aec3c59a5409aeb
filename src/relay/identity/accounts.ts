import type { AgentData, Channel, Role } from '../../shared/sync/entities';
import type { HlcClock } from '../../shared/sync/hlc';
import { uuidv7 } from '../../shared/sync/ids';
import { RELAY_ERR } from '../../shared/sync/protocol';
import type { Database } from '../data/db';
import { RelayError } from '../core/errors';
import { writeFields } from '../data/records';
import type { AsyncStoreReads } from '../data/asyncStore';
import type { AgentRow, IdentityData } from '../data/identityData';
import { asyncSqliteStore } from '../data/sqliteAsync';
import { createSqliteIdentity } from '../data/sqliteIdentity';
import type { SqliteStore } from '../data/sqliteStore';
import { createAccountWrites, personOf, type Person } from './accountWrites';

export type { AgentRow };
export type { Person };

export type Accounts = ReturnType<typeof createAccounts>;

/**
 * Agents, teams, inboxes and membership. Each lives in its own table (passwords never leave it)
 * and is mirrored as a synced record, so apps get the directory through the change log. What IT
 * changes about people goes through the identity repository (accountWrites.ts); the directory
 * reads below, and team and inbox creation, still ask SQLite synchronously for the rooms that are
 * still on the synchronous store (routing, sync, supervisor, voice). `repo` must be the relay's
 * one identity repository on `db` [default: one made on `db`, for tools and tests that run alone].
 */
export function createAccounts(
  db: Database,
  store: SqliteStore,
  clock: HlcClock,
  now: () => number,
  repo?: { identity: IdentityData; records: Pick<AsyncStoreReads, 'get'> },
) {
  const writes = createAccountWrites({ ...(repo ?? ownRepository(db, store)), clock, now });
  const q = accountStatements(db);
  const c: AccountsContext = { q, store, clock, now };
  return {
    ...writes,
    agentById: (id: string) => q.agentById.get(id) ?? null,
    agentByEmail: (email: string) => q.agentByEmail.get(email.toLowerCase()) ?? null,
    adminCount: () => q.countAdmins.get() ?? 0,
    teamIdsOf: (agentId: string) => q.teamIds.all(agentId),
    /** Admins oversee every team; a supervisor, the teams they belong to. */
    oversees: (p: { agentId: string; role: Role }, teamId: string | null): boolean =>
      p.role === 'admin' ||
      (p.role === 'supervisor' && !!teamId && q.teamIds.all(p.agentId).includes(teamId)),
    managesAgent: (p: { agentId: string; role: Role }, agentId: string): boolean =>
      managesAgent(q, p, agentId),
    teams: () => q.teams.all(),
    team: (id: string) => q.team.get(id) ?? null,
    members: (teamId: string) => (requireTeam(q, teamId), q.members.all(teamId)),
    inboxFor: (teamId: string, channel: Channel) => q.inboxFor.get(teamId, channel) ?? null,
    requireTeam: (teamId: string) => requireTeam(q, teamId),
    publicAgent: (agentId: string) => publicAgent(c, agentId),
    createTeam: (name: string, actorId: string | null, id: string = uuidv7(now())) =>
      createTeam(c, name, actorId, id),
    createInbox: (input: NewInbox, actorId: string | null) => createInbox(c, input, actorId),
    /** `people()` answered synchronously, for the rooms still on the synchronous store (the live board). */
    directoryPeople: () => directoryPeople(q),
    requireAgent: (agentId: string) => requireAgent(q, agentId),
    enabledAdminCount: () => q.countEnabledAdmins.get() ?? 0,
  };
}

/** What the directory's module functions share: its statements, the store its records go to, and the clocks. */
type AccountsContext = {
  q: AccountStatements;
  store: SqliteStore;
  clock: HlcClock;
  now: () => number;
};

type AccountStatements = ReturnType<typeof accountStatements>;

type NewInbox = { name: string; channel: Channel; teamId: string };

function accountStatements(db: Database) {
  return {
    agentById: db.prepare<[string], AgentRow>('SELECT * FROM agents WHERE id = ?'),
    agentByEmail: db.prepare<[string], AgentRow>('SELECT * FROM agents WHERE email = ?'),
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
    allAgents: db.prepare<[], AgentRow>('SELECT * FROM agents ORDER BY name COLLATE NOCASE, email'),
    allMemberships: db.prepare<[], { agent_id: string; id: string; name: string }>(
      'SELECT m.agent_id, t.id, t.name FROM team_members m JOIN teams t ON t.id = m.team_id ORDER BY t.name',
    ),
    countEnabledAdmins: db
      .prepare<[], number>("SELECT count(*) FROM agents WHERE role = 'admin' AND disabled = 0")
      .pluck(),
  };
}

/** Now, as records write times. */
const isoNow = (c: AccountsContext) => new Date(c.now()).toISOString();

/** The write of a change made by `actorId` outside any pushed mutation. */
const metaOf = (actorId: string | null) => ({ mutationId: null, agentId: actorId });

function requireTeam(q: AccountStatements, teamId: string): { id: string; name: string } {
  const t = q.team.get(teamId);
  if (!t) throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no team ${teamId}.`);
  return t;
}

function requireAgent(q: AccountStatements, agentId: string): AgentRow {
  const a = q.agentById.get(agentId);
  if (!a) throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no agent ${agentId}.`);
  return a;
}

/**
 * Whether `p` may change an agent's routing settings (skills, capacity): admins anyone; a
 * supervisor only agents (role agent) of a team they oversee. Never an admin or a fellow
 * supervisor, and never themselves: who takes how much work is set by the level above.
 */
function managesAgent(q: AccountStatements, p: { agentId: string; role: Role }, agentId: string): boolean {
  if (p.role === 'admin') return true;
  const target = q.agentById.get(agentId);
  if (p.role !== 'supervisor' || !target || target.role !== 'agent') return false;
  const mine = new Set(q.teamIds.all(p.agentId));
  return q.teamIds.all(agentId).some((t) => mine.has(t));
}

/** The agent as apps see it: `{id, name, email, role, teamIds, skills}`. */
function publicAgent(c: AccountsContext, agentId: string): { id: string } & AgentData {
  const a = requireAgent(c.q, agentId);
  const rec = c.store.get('agent', agentId);
  const skills = (rec?.data['skills'] as string[] | undefined) ?? [];
  return { id: a.id, name: a.name, email: a.email, role: a.role, teamIds: c.q.teamIds.all(a.id), skills };
}

/** Makes a team (its row and its synced record) in one store transaction. */
function createTeam(
  c: AccountsContext,
  name: string,
  actorId: string | null,
  id: string,
): { id: string; name: string } {
  c.store.transaction(() => {
    c.q.insertTeam.run(id, name, c.now());
    writeFields(
      c.store,
      { entity: 'team', id, fields: { name }, clock: c.clock.now(), convId: null, at: isoNow(c) },
      metaOf(actorId),
    );
  });
  return { id, name };
}

/** Makes an inbox of an existing team (its row and its synced record) in one store transaction. */
function createInbox(c: AccountsContext, input: NewInbox, actorId: string | null) {
  const id = uuidv7(c.now());
  c.store.transaction(() => {
    requireTeam(c.q, input.teamId);
    c.q.insertInbox.run(id, input.name, input.channel, input.teamId);
    writeFields(
      c.store,
      { entity: 'inbox', id, fields: { ...input }, clock: c.clock.now(), convId: null, at: isoNow(c) },
      metaOf(actorId),
    );
  });
  return { id, ...input };
}

/** Every agent with their teams, as the directory lists them. */
function directoryPeople(q: AccountStatements): Person[] {
  const teams = new Map<string, { id: string; name: string }[]>();
  for (const m of q.allMemberships.all())
    teams.set(m.agent_id, [...(teams.get(m.agent_id) ?? []), { id: m.id, name: m.name }]);
  return q.allAgents.all().map((a) => personOf(a, teams.get(a.id) ?? []));
}

function ownRepository(db: Database, store: SqliteStore) {
  const records = asyncSqliteStore(store);
  return { identity: createSqliteIdentity(db, records), records };
}
