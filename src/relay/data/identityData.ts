import type { Channel, Role } from '../../shared/sync/entities';
import { RELAY_ERR } from '../../shared/sync/protocol';
import { RelayError } from '../core/errors';
import type { AsyncTx } from './asyncStore';

// Identity's tables (accounts, teams, inboxes, membership, devices, refresh tokens, API keys, the
// audit log) as an asynchronous contract, on the style of the store's (asyncStore.ts): every
// answer a promise, and a transaction hands its body a `tx` through which its reads and writes go.
// SQLite implements it in sqliteIdentity.ts, PostgreSQL in postgres/pgIdentity.ts; the rooms of
// identity/ ask these questions, never SQL. Rows keep the SQLite shapes (times in ms, flags 0/1),
// so a room reads the same values on either store.

/** An account as stored (the password hash never leaves identity/). */
export type AgentRow = {
  id: string;
  email: string;
  name: string;
  role: Role;
  password_hash: string;
  disabled: number;
  disabled_at: number | null;
  disabled_reason: string | null;
  must_change_password: number;
  last_sign_in_at: number | null;
  created_at: number;
};

export type NewAgent = Pick<AgentRow, 'id' | 'email' | 'name' | 'role' | 'password_hash' | 'created_at'>;
export type TeamRow = { id: string; name: string };
export type MemberRow = { id: string; name: string; email: string; role: Role };
/** One membership with its team: `agent_id` is in the team `id` called `name`. */
export type MembershipRow = { agent_id: string; id: string; name: string };
export type InboxRow = { id: string; name: string; channel: Channel; team_id: string };

export type DeviceRow = {
  id: string;
  agent_id: string;
  name: string;
  created_at: number;
  last_seen_at: number;
  revoked_at: number | null;
};
export type RefreshTokenRow = { hash: string; device_id: string; expires_at: number; used_at: number | null };

export type ApiKeyRow = {
  id: string;
  inbox_id: string;
  name: string;
  secret_hash: string;
  created_at: number;
  /** Who made it (null: the command line). */
  created_by: string | null;
  last_used_at: number | null;
  revoked_at: number | null;
};
export type NewApiKey = Pick<
  ApiKeyRow,
  'id' | 'inbox_id' | 'name' | 'secret_hash' | 'created_at' | 'created_by'
>;

/** One audit line as written; `detail` is JSON text. */
export type AuditLine = {
  at: number;
  actor_id: string | null;
  action: string;
  target: string | null;
  detail: string;
  ip: string | null;
};
/** One audit line as read, with its position and its actor's email and name (null: none, or gone). */
export type AuditRow = AuditLine & { seq: number; email: string | null; name: string | null };
/** Which lines, newest first: every filter given must hold. `before` is an exclusive seq bound. */
export type AuditFilter = {
  actorId?: string;
  action?: string;
  /** Inclusive lower bound of `at`, ms. */
  since?: number;
  /** Exclusive upper bound of `at`, ms. */
  until?: number;
  before?: number;
  limit: number;
};

/** Reads that a transaction and the repository both answer (in a transaction: its writes too). */
export type IdentityReads = {
  agentById(id: string): Promise<AgentRow | null>;
  /** Whatever the case of `email`. */
  agentByEmail(email: string): Promise<AgentRow | null>;
  /** Everyone, by name (case-insensitively), then email. */
  agents(): Promise<AgentRow[]>;
  /** Admins, or only those not disabled. */
  adminCount(o?: { enabledOnly?: boolean }): Promise<number>;
  team(id: string): Promise<TeamRow | null>;
  /** Every team, by name. */
  teams(): Promise<TeamRow[]>;
  /** The teams an agent belongs to, by id. */
  teamIdsOf(agentId: string): Promise<string[]>;
  /** A team's members, by name. */
  members(teamId: string): Promise<MemberRow[]>;
  /** Every membership (of `agentId` only, when given), by team name. */
  memberships(agentId?: string): Promise<MembershipRow[]>;
  inbox(id: string): Promise<InboxRow | null>;
  /** Every inbox, by id. */
  inboxes(): Promise<InboxRow[]>;
  /** A team's first inbox of a channel (by id), or null. */
  inboxFor(teamId: string, channel: Channel): Promise<string | null>;
  device(id: string): Promise<DeviceRow | null>;
  /** An agent's devices (every device when `agentId` is null), oldest first. */
  devices(agentId: string | null): Promise<DeviceRow[]>;
  refreshToken(hash: string): Promise<RefreshTokenRow | null>;
  apiKey(id: string): Promise<ApiKeyRow | null>;
  /** An inbox's keys, oldest first. */
  apiKeysOf(inboxId: string): Promise<ApiKeyRow[]>;
  /** One page of the audit log, newest first. */
  auditLines(filter: AuditFilter): Promise<AuditRow[]>;
};

/** Writes: on a transaction they commit with it; on the repository each commits on its own. */
export type IdentityWrites = {
  /**
   * Throws RelayError CONFLICT ("An agent with the email … already exists.") when the email,
   * whatever its case, is taken: also when a concurrent create took it first.
   */
  insertAgent(a: NewAgent): Promise<void>;
  setDisabled(agentId: string, disabled: { at: number; reason: string | null } | null): Promise<void>;
  setRole(agentId: string, role: Role): Promise<void>;
  setPassword(agentId: string, hash: string, mustChange: boolean): Promise<void>;
  markSignedIn(agentId: string, at: number): Promise<void>;
  insertTeam(team: TeamRow & { created_at: number }): Promise<void>;
  insertInbox(inbox: InboxRow): Promise<void>;
  /** Adds a membership; one that exists is left as it is. */
  addMember(teamId: string, agentId: string): Promise<void>;
  removeMember(teamId: string, agentId: string): Promise<void>;
  /** Makes the agent a member of exactly these teams. */
  setTeams(agentId: string, teamIds: readonly string[]): Promise<void>;
  insertDevice(d: Omit<DeviceRow, 'revoked_at'>): Promise<void>;
  touchDevice(id: string, at: number): Promise<void>;
  /** Marks a device revoked (once: a revoked device keeps its first time) and drops its refresh tokens. */
  revokeDevice(id: string, at: number): Promise<void>;
  insertRefreshToken(t: {
    hash: string;
    device_id: string;
    created_at: number;
    expires_at: number;
  }): Promise<void>;
  /** Marks a token used; false when it already was (or is unknown). */
  useRefreshToken(hash: string, at: number): Promise<boolean>;
  /** Drops the refresh tokens of every device of an agent but one; resolves to how many went. */
  dropAgentTokens(agentId: string, exceptDeviceId: string): Promise<number>;
  insertApiKey(k: NewApiKey): Promise<void>;
  markApiKeyUsed(id: string, at: number): Promise<void>;
  /** Marks a key revoked (once: a revoked key keeps its first time). */
  revokeApiKey(id: string, at: number): Promise<void>;
  appendAudit(line: AuditLine): Promise<void>;
};

/** One open transaction of identity. `records` writes synced records that commit with it. */
export type IdentityTx = IdentityReads & IdentityWrites & { records: AsyncTx };

export type IdentityData = IdentityReads &
  IdentityWrites & {
    /**
     * Runs `fn` in one transaction of the store's database: identity rows through `tx`, synced
     * records through `tx.records`, committed together (the store's transaction: see
     * AsyncStore.transaction for ordering and listeners). A throw rolls back and rethrows.
     */
    transaction<R>(fn: (tx: IdentityTx) => Promise<R>): Promise<R>;
  };

/** The refusal of a second account with a taken email, in the same words on either store. */
export function agentTaken(email: string): RelayError {
  return new RelayError(RELAY_ERR.CONFLICT, `An agent with the email ${email} already exists.`);
}
