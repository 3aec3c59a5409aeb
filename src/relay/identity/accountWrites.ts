import type { AgentData, Role } from '../../shared/sync/entities';
import type { HlcClock } from '../../shared/sync/hlc';
import { uuidv7 } from '../../shared/sync/ids';
import { RELAY_ERR } from '../../shared/sync/protocol';
import { RelayError } from '../core/errors';
import type { AsyncStoreReads } from '../data/asyncStore';
import {
  agentTaken,
  type AgentRow,
  type IdentityData,
  type IdentityReads,
  type IdentityTx,
  type TeamRow,
} from '../data/identityData';
import { writeFieldsAsync } from '../data/records';
import { hashPassword } from './passwords';

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

export type AccountWritesDeps = {
  identity: IdentityData;
  /** Where the synced agent records are read (the agent an app sees). */
  records: Pick<AsyncStoreReads, 'get'>;
  clock: HlcClock;
  now: () => number;
};

/**
 * What IT changes about people, on the identity repository: accounts, role, teams, standing and
 * password, each in one identity transaction with the synced agent record it implies (so apps get
 * the directory through the change log). Every write takes an optional `tx` to join a caller's
 * transaction (and its audit line); without one it opens its own.
 */
export function createAccountWrites(d: AccountWritesDeps) {
  const { identity } = d;
  return {
    /** Creates an agent with a scrypt-hashed password; CONFLICT on a taken email (also one taken concurrently). */
    createAgent: (input: NewAgent, actorId: string | null, tx?: IdentityTx) =>
      createAgent(d, input, actorId, tx),
    /** Disables (with a reason people are shown) or re-enables an account. */
    setDisabled: (agentId: string, disabled: boolean, reason: string | null, tx?: IdentityTx) =>
      setDisabled(d, agentId, disabled, reason, tx),
    /** Changes a role in the accounts table and the synced agent record. */
    setRole: (agentId: string, role: Role, actorId: string | null, tx?: IdentityTx) =>
      setRole(d, agentId, role, actorId, tx),
    /** Makes the agent a member of exactly `teamIds` and re-syncs their teamIds. */
    setTeams: (agentId: string, teamIds: readonly string[], actorId: string | null, tx?: IdentityTx) =>
      setTeams(d, agentId, teamIds, actorId, tx),
    /** Adds or removes a member and re-syncs the agent's teamIds. */
    setMembership: (
      teamId: string,
      agentId: string,
      member: boolean,
      actorId: string | null,
      tx?: IdentityTx,
    ) => setMembership(d, teamId, agentId, member, actorId, tx),
    /** Stores a new password hash; `mustChange` makes the next sign-in ask for a new one. */
    setPasswordHash: (agentId: string, hash: string, mustChange: boolean, tx?: IdentityTx): Promise<void> =>
      (tx ?? identity).setPassword(agentId, hash, mustChange),
    /** Everyone with role, teams, standing and last sign-in, by name. */
    people: () => people(identity),
    person: (agentId: string) => person(identity, agentId),
  };
}

type NewAgent = { email: string; password: string; name: string; role: Role; teamIds?: string[] };

/** Runs `fn` in the caller's transaction `tx`, or in one of its own when there is none. */
function inIdentityTx<R>(
  d: AccountWritesDeps,
  tx: IdentityTx | undefined,
  fn: (tx: IdentityTx) => Promise<R>,
): Promise<R> {
  return tx ? fn(tx) : d.identity.transaction(fn);
}

/** Writes `fields` of the agent's synced record, as changed by `actorId`. */
function syncAgentRecord(
  d: AccountWritesDeps,
  tx: IdentityTx,
  agentId: string,
  actorId: string | null,
  fields: Partial<AgentData>,
) {
  return writeFieldsAsync(
    tx.records,
    {
      entity: 'agent',
      id: agentId,
      fields,
      clock: d.clock.now(),
      convId: null,
      at: new Date(d.now()).toISOString(),
    },
    { mutationId: null, agentId: actorId },
  );
}

async function createAgent(
  d: AccountWritesDeps,
  input: NewAgent,
  actorId: string | null,
  tx: IdentityTx | undefined,
): Promise<{ id: string } & AgentData> {
  const email = input.email.trim().toLowerCase();
  if (input.password.length < 8)
    throw new RelayError(RELAY_ERR.VALIDATION, 'The password must have at least 8 characters.');
  const hash = await hashPassword(input.password);
  const id = uuidv7(d.now());
  const row = { id, email, name: input.name, role: input.role, password_hash: hash, created_at: d.now() };
  await inIdentityTx(d, tx, async (t) => {
    if (await t.agentByEmail(email)) throw agentTaken(email);
    await t.insertAgent(row);
    for (const teamId of input.teamIds ?? []) {
      await requireTeam(t, teamId);
      await t.addMember(teamId, id);
    }
    const teamIds = await t.teamIdsOf(id);
    await syncAgentRecord(d, t, id, actorId, {
      name: input.name,
      email,
      role: input.role,
      teamIds,
      skills: [],
    });
  });
  return publicAgentOf(d.identity, d.records, (await d.identity.agentById(id))!);
}

async function setDisabled(
  d: AccountWritesDeps,
  agentId: string,
  disabled: boolean,
  reason: string | null,
  tx: IdentityTx | undefined,
): Promise<void> {
  await inIdentityTx(d, tx, async (t) => {
    await requireAgent(t, agentId);
    await t.setDisabled(agentId, disabled ? { at: d.now(), reason } : null);
  });
}

async function setRole(
  d: AccountWritesDeps,
  agentId: string,
  role: Role,
  actorId: string | null,
  tx: IdentityTx | undefined,
): Promise<void> {
  await inIdentityTx(d, tx, async (t) => {
    await requireAgent(t, agentId);
    await t.setRole(agentId, role);
    await syncAgentRecord(d, t, agentId, actorId, { role });
  });
}

async function setTeams(
  d: AccountWritesDeps,
  agentId: string,
  teamIds: readonly string[],
  actorId: string | null,
  tx: IdentityTx | undefined,
): Promise<void> {
  await inIdentityTx(d, tx, async (t) => {
    await requireAgent(t, agentId);
    for (const teamId of teamIds) await requireTeam(t, teamId);
    await t.setTeams(agentId, teamIds);
    await syncAgentRecord(d, t, agentId, actorId, { teamIds: await t.teamIdsOf(agentId) });
  });
}

async function setMembership(
  d: AccountWritesDeps,
  teamId: string,
  agentId: string,
  member: boolean,
  actorId: string | null,
  tx: IdentityTx | undefined,
): Promise<void> {
  await inIdentityTx(d, tx, async (t) => {
    await requireTeam(t, teamId);
    await requireAgent(t, agentId);
    await (member ? t.addMember(teamId, agentId) : t.removeMember(teamId, agentId));
    await syncAgentRecord(d, t, agentId, actorId, { teamIds: await t.teamIdsOf(agentId) });
  });
}

/** Everyone with their teams, by name (the directory's list). */
export async function people(identity: Pick<IdentityReads, 'agents' | 'memberships'>): Promise<Person[]> {
  const teams = new Map<string, { id: string; name: string }[]>();
  for (const m of await identity.memberships())
    teams.set(m.agent_id, [...(teams.get(m.agent_id) ?? []), { id: m.id, name: m.name }]);
  return (await identity.agents()).map((a) => personOf(a, teams.get(a.id) ?? []));
}

/** One person as IT sees them, or NOT_FOUND. */
async function person(identity: IdentityData, agentId: string): Promise<Person> {
  const a = await requireAgent(identity, agentId);
  const teams = (await identity.memberships(agentId)).map((m) => ({ id: m.id, name: m.name }));
  return personOf(a, teams);
}

/** The agent, or NOT_FOUND. */
export async function requireAgent(r: Pick<IdentityReads, 'agentById'>, agentId: string): Promise<AgentRow> {
  const a = await r.agentById(agentId);
  if (!a) throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no agent ${agentId}.`);
  return a;
}

/** The team, or NOT_FOUND. */
export async function requireTeam(r: Pick<IdentityReads, 'team'>, teamId: string): Promise<TeamRow> {
  const t = await r.team(teamId);
  if (!t) throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no team ${teamId}.`);
  return t;
}

/**
 * The agent as apps see it (`{id, name, email, role, teamIds, skills}`): the account, its teams,
 * and the skills kept on its synced record.
 */
export async function publicAgentOf(
  identity: Pick<IdentityReads, 'teamIdsOf'>,
  records: Pick<AsyncStoreReads, 'get'>,
  a: AgentRow,
): Promise<{ id: string } & AgentData> {
  const rec = await records.get('agent', a.id);
  const skills = (rec?.data['skills'] as string[] | undefined) ?? [];
  const teamIds = await identity.teamIdsOf(a.id);
  return { id: a.id, name: a.name, email: a.email, role: a.role, teamIds, skills };
}

/** A person as IT sees them, from their account row and teams. */
export function personOf(a: AgentRow, teams: { id: string; name: string }[]): Person {
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
