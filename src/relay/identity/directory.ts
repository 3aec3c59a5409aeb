import type { AgentData, Channel, Role } from '../../shared/sync/entities';
import type { HlcClock } from '../../shared/sync/hlc';
import { uuidv7 } from '../../shared/sync/ids';
import type { AsyncStoreReads } from '../data/asyncStore';
import type { IdentityData, IdentityReads, IdentityTx, InboxRow, TeamRow } from '../data/identityData';
import { writeFieldsAsync } from '../data/records';
import { people, publicAgentOf, requireAgent, requireTeam } from './accountWrites';

// The directory on the identity repository (data/identityData.ts), for the rooms on the
// asynchronous store: who oversees which team, who may manage whom, the agent as apps see it,
// team and inbox creation. The same questions accounts.ts answers synchronously on SQLite, for the
// rooms still on the synchronous Store; a room that moves to AsyncStore asks them here, and they
// run on SQLite and PostgreSQL alike. Every read takes an optional `tx` to read inside a caller's
// transaction.

export type DirectoryDeps = {
  identity: IdentityData;
  /** Where the synced agent records are read (skills). */
  records: Pick<AsyncStoreReads, 'get'>;
  clock: HlcClock;
  now: () => number;
};

/** Who acts: an agent id and their role, as a Principal carries them. */
export type Actor = { agentId: string; role: Role };

export type Directory = ReturnType<typeof createDirectory>;

export function createDirectory(d: DirectoryDeps) {
  const reads = (tx?: IdentityTx): IdentityReads => tx ?? d.identity;
  return {
    teamIdsOf: (agentId: string, tx?: IdentityTx) => reads(tx).teamIdsOf(agentId),
    /** Admins oversee every team; a supervisor, the teams they belong to. */
    oversees: (p: Actor, teamId: string | null, tx?: IdentityTx) => oversees(reads(tx), p, teamId),
    /**
     * Whether `p` may change an agent's routing settings (skills, capacity): admins anyone; a
     * supervisor only agents (role agent) of a team they oversee. Never an admin or a fellow
     * supervisor, and never themselves: who takes how much work is set by the level above.
     */
    managesAgent: (p: Actor, agentId: string, tx?: IdentityTx) => managesAgent(reads(tx), p, agentId),
    requireTeam: (teamId: string, tx?: IdentityTx) => requireTeam(reads(tx), teamId),
    requireAgent: (agentId: string, tx?: IdentityTx) => requireAgent(reads(tx), agentId),
    /** The members of a team (NOT_FOUND when there is no such team). */
    members: async (teamId: string, tx?: IdentityTx) => {
      await requireTeam(reads(tx), teamId);
      return reads(tx).members(teamId);
    },
    inboxFor: (teamId: string, channel: Channel, tx?: IdentityTx) => reads(tx).inboxFor(teamId, channel),
    /** The agent as apps see it: `{id, name, email, role, teamIds, skills}` (NOT_FOUND when none). */
    publicAgent: async (agentId: string, tx?: IdentityTx): Promise<{ id: string } & AgentData> => {
      const a = await requireAgent(reads(tx), agentId);
      return publicAgentOf(reads(tx), tx?.records ?? d.records, a);
    },
    /** Every agent with their teams, as the directory lists them. */
    people: (tx?: IdentityTx) => people(reads(tx)),
    /** Makes a team (its row and its synced record) in one transaction (or the caller's `tx`). */
    createTeam: (name: string, actorId: string | null, id?: string, tx?: IdentityTx) =>
      inTx(d, tx, (t) => createTeam(d, t, name, actorId, id ?? uuidv7(d.now()))),
    /** Makes an inbox of an existing team (its row and its synced record) in one transaction. */
    createInbox: (input: NewInbox, actorId: string | null, tx?: IdentityTx) =>
      inTx(d, tx, (t) => createInbox(d, t, input, actorId)),
  };
}

type NewInbox = { name: string; channel: Channel; teamId: string };

function inTx<R>(
  d: DirectoryDeps,
  tx: IdentityTx | undefined,
  fn: (tx: IdentityTx) => Promise<R>,
): Promise<R> {
  return tx ? fn(tx) : d.identity.transaction(fn);
}

async function oversees(r: IdentityReads, p: Actor, teamId: string | null): Promise<boolean> {
  if (p.role === 'admin') return true;
  if (p.role !== 'supervisor' || !teamId) return false;
  return (await r.teamIdsOf(p.agentId)).includes(teamId);
}

async function managesAgent(r: IdentityReads, p: Actor, agentId: string): Promise<boolean> {
  if (p.role === 'admin') return true;
  if (p.role !== 'supervisor') return false;
  const target = await r.agentById(agentId);
  if (!target || target.role !== 'agent') return false;
  const [mine, theirs] = await Promise.all([r.teamIdsOf(p.agentId), r.teamIdsOf(agentId)]);
  return theirs.some((t) => mine.includes(t));
}

const syncedWrite = (d: DirectoryDeps, actorId: string | null) => ({
  clock: d.clock.now(),
  convId: null,
  at: new Date(d.now()).toISOString(),
  meta: { mutationId: null, agentId: actorId },
});

async function createTeam(
  d: DirectoryDeps,
  tx: IdentityTx,
  name: string,
  actorId: string | null,
  id: string,
): Promise<TeamRow> {
  await tx.insertTeam({ id, name, created_at: d.now() });
  const { meta, ...w } = syncedWrite(d, actorId);
  await writeFieldsAsync(tx.records, { entity: 'team', id, fields: { name }, ...w }, meta);
  return { id, name };
}

async function createInbox(
  d: DirectoryDeps,
  tx: IdentityTx,
  input: NewInbox,
  actorId: string | null,
): Promise<InboxRow> {
  await requireTeam(tx, input.teamId);
  const id = uuidv7(d.now());
  const row: InboxRow = { id, name: input.name, channel: input.channel, team_id: input.teamId };
  await tx.insertInbox(row);
  const { meta, ...w } = syncedWrite(d, actorId);
  await writeFieldsAsync(tx.records, { entity: 'inbox', id, fields: { ...input }, ...w }, meta);
  return row;
}
