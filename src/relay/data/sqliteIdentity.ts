import type { Channel, Role } from '../../shared/sync/entities';
import type { AsyncStore } from './asyncStore';
import type { Database } from './db';
import {
  agentTaken,
  type AgentRow,
  type ApiKeyRow,
  type AuditFilter,
  type AuditRow,
  type DeviceRow,
  type IdentityData,
  type IdentityReads,
  type IdentityWrites,
  type MemberRow,
  type MembershipRow,
  type InboxRow,
  type RefreshTokenRow,
  type TeamRow,
} from './identityData';

/**
 * Identity (identityData.ts) on the relay's SQLite database. Every call runs its statement at
 * once, before it returns its promise: a call made inside a synchronous transaction of the same
 * connection is part of it. `store` must be the relay's one async adapter (sqliteAsync.ts) of the
 * store on `db`: a transaction is the store's, so synced records commit with identity's rows.
 */
export function createSqliteIdentity(db: Database, store: AsyncStore): IdentityData {
  const reads = sqliteReads(db);
  const writes = sqliteWrites(db);
  return {
    ...reads,
    ...writes,
    transaction: (fn) => store.transaction((records) => fn({ ...reads, ...writes, records })),
  };
}

function sqliteReads(db: Database): IdentityReads {
  const q = {
    agentById: db.prepare<[string], AgentRow>('SELECT * FROM agents WHERE id = ?'),
    agentByEmail: db.prepare<[string], AgentRow>('SELECT * FROM agents WHERE email = ?'),
    agents: db.prepare<[], AgentRow>('SELECT * FROM agents ORDER BY name COLLATE NOCASE, email'),
    admins: db.prepare<[], number>("SELECT count(*) FROM agents WHERE role = 'admin'").pluck(),
    enabledAdmins: db
      .prepare<[], number>("SELECT count(*) FROM agents WHERE role = 'admin' AND disabled = 0")
      .pluck(),
    team: db.prepare<[string], TeamRow>('SELECT id, name FROM teams WHERE id = ?'),
    teams: db.prepare<[], TeamRow>('SELECT id, name FROM teams ORDER BY name'),
    teamIds: db
      .prepare<[string], string>('SELECT team_id FROM team_members WHERE agent_id = ? ORDER BY team_id')
      .pluck(),
    members: db.prepare<[string], MemberRow>(
      'SELECT a.id, a.name, a.email, a.role FROM team_members m JOIN agents a ON a.id = m.agent_id WHERE m.team_id = ? ORDER BY a.name',
    ),
    memberships: db.prepare<[], MembershipRow>(
      'SELECT m.agent_id, t.id, t.name FROM team_members m JOIN teams t ON t.id = m.team_id ORDER BY t.name',
    ),
    membershipsOf: db.prepare<[string], MembershipRow>(
      'SELECT m.agent_id, t.id, t.name FROM team_members m JOIN teams t ON t.id = m.team_id WHERE m.agent_id = ? ORDER BY t.name',
    ),
    inbox: db.prepare<[string], InboxRow>('SELECT id, name, channel, team_id FROM inboxes WHERE id = ?'),
    inboxes: db.prepare<[], InboxRow>('SELECT id, name, channel, team_id FROM inboxes ORDER BY id'),
    inboxFor: db
      .prepare<[string, Channel], string>(
        'SELECT id FROM inboxes WHERE team_id = ? AND channel = ? ORDER BY id LIMIT 1',
      )
      .pluck(),
    device: db.prepare<[string], DeviceRow>('SELECT * FROM devices WHERE id = ?'),
    devicesOf: db.prepare<[string], DeviceRow>(
      'SELECT * FROM devices WHERE agent_id = ? ORDER BY created_at',
    ),
    allDevices: db.prepare<[], DeviceRow>('SELECT * FROM devices ORDER BY created_at'),
    token: db.prepare<[string], RefreshTokenRow>(
      'SELECT hash, device_id, expires_at, used_at FROM refresh_tokens WHERE hash = ?',
    ),
    apiKey: db.prepare<[string], ApiKeyRow>('SELECT * FROM api_keys WHERE id = ?'),
    apiKeysOf: db.prepare<[string], ApiKeyRow>(
      'SELECT * FROM api_keys WHERE inbox_id = ? ORDER BY created_at, id',
    ),
  };
  return {
    agentById: async (id) => q.agentById.get(id) ?? null,
    // The column is COLLATE NOCASE: any case finds the account.
    agentByEmail: async (email) => q.agentByEmail.get(email) ?? null,
    agents: async () => q.agents.all(),
    adminCount: async (o = {}) => (o.enabledOnly ? q.enabledAdmins.get() : q.admins.get()) ?? 0,
    team: async (id) => q.team.get(id) ?? null,
    teams: async () => q.teams.all(),
    teamIdsOf: async (agentId) => q.teamIds.all(agentId),
    members: async (teamId) => q.members.all(teamId),
    memberships: async (agentId) =>
      agentId === undefined ? q.memberships.all() : q.membershipsOf.all(agentId),
    inbox: async (id) => q.inbox.get(id) ?? null,
    inboxes: async () => q.inboxes.all(),
    inboxFor: async (teamId, channel) => q.inboxFor.get(teamId, channel) ?? null,
    device: async (id) => q.device.get(id) ?? null,
    devices: async (agentId) => (agentId === null ? q.allDevices.all() : q.devicesOf.all(agentId)),
    refreshToken: async (hash) => q.token.get(hash) ?? null,
    apiKey: async (id) => q.apiKey.get(id) ?? null,
    apiKeysOf: async (inboxId) => q.apiKeysOf.all(inboxId),
    auditLines: async (f) => auditLines(db, f),
  };
}

function auditLines(db: Database, f: AuditFilter): AuditRow[] {
  const where: string[] = [];
  const args: (string | number)[] = [];
  const add = (clause: string, v: string | number | undefined) => {
    if (v === undefined) return;
    where.push(clause);
    args.push(v);
  };
  add('l.actor_id = ?', f.actorId);
  add('l.action = ?', f.action);
  add('l.at >= ?', f.since);
  add('l.at < ?', f.until);
  add('l.seq < ?', f.before);
  // Prepared per call: the filter combination varies and the log is read rarely.
  return db
    .prepare<(string | number)[], AuditRow>(
      `SELECT l.*, a.email, a.name FROM audit_log l LEFT JOIN agents a ON a.id = l.actor_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY l.seq DESC LIMIT ?`,
    )
    .all(...args, f.limit);
}

function sqliteWrites(db: Database): IdentityWrites {
  const run = (sql: string) => {
    const st = db.prepare(sql);
    return (...args: unknown[]) => st.run(...args).changes;
  };
  const q = {
    insertAgent: run(
      'INSERT INTO agents (id, email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    setDisabled: run('UPDATE agents SET disabled = ?, disabled_at = ?, disabled_reason = ? WHERE id = ?'),
    setRole: run('UPDATE agents SET role = ? WHERE id = ?'),
    setPassword: run('UPDATE agents SET password_hash = ?, must_change_password = ? WHERE id = ?'),
    signedIn: run('UPDATE agents SET last_sign_in_at = ? WHERE id = ?'),
    insertTeam: run('INSERT INTO teams (id, name, created_at) VALUES (?, ?, ?)'),
    insertInbox: run('INSERT INTO inboxes (id, name, channel, team_id) VALUES (?, ?, ?, ?)'),
    addMember: run('INSERT OR IGNORE INTO team_members (team_id, agent_id) VALUES (?, ?)'),
    removeMember: run('DELETE FROM team_members WHERE team_id = ? AND agent_id = ?'),
    removeAll: run('DELETE FROM team_members WHERE agent_id = ?'),
    insertDevice: run(
      'INSERT INTO devices (id, agent_id, name, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)',
    ),
    seen: run('UPDATE devices SET last_seen_at = ? WHERE id = ?'),
    revoke: run('UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    dropTokens: run('DELETE FROM refresh_tokens WHERE device_id = ?'),
    insertToken: run(
      'INSERT INTO refresh_tokens (hash, device_id, created_at, expires_at) VALUES (?, ?, ?, ?)',
    ),
    useToken: run('UPDATE refresh_tokens SET used_at = ? WHERE hash = ? AND used_at IS NULL'),
    dropAgentTokens: run(
      'DELETE FROM refresh_tokens WHERE device_id IN (SELECT id FROM devices WHERE agent_id = ? AND id != ?)',
    ),
    insertApiKey: run(
      'INSERT INTO api_keys (id, inbox_id, name, secret_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    apiKeyUsed: run('UPDATE api_keys SET last_used_at = ? WHERE id = ?'),
    revokeApiKey: run('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    appendAudit: run(
      'INSERT INTO audit_log (at, actor_id, action, target, detail, ip) VALUES (?, ?, ?, ?, ?, ?)',
    ),
  };
  const inTx = db.transaction((fn: () => void) => fn());
  return {
    async insertAgent(a) {
      try {
        q.insertAgent(a.id, a.email, a.name, a.role, a.password_hash, a.created_at);
      } catch (err) {
        if ((err as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT_')) throw agentTaken(a.email);
        throw err;
      }
    },
    setDisabled: async (id, d) => void q.setDisabled(d ? 1 : 0, d?.at ?? null, d?.reason ?? null, id),
    setRole: async (id, role: Role) => void q.setRole(role, id),
    setPassword: async (id, hash, mustChange) => void q.setPassword(hash, mustChange ? 1 : 0, id),
    markSignedIn: async (id, at) => void q.signedIn(at, id),
    insertTeam: async (t) => void q.insertTeam(t.id, t.name, t.created_at),
    insertInbox: async (i) => void q.insertInbox(i.id, i.name, i.channel, i.team_id),
    addMember: async (teamId, agentId) => void q.addMember(teamId, agentId),
    removeMember: async (teamId, agentId) => void q.removeMember(teamId, agentId),
    setTeams: async (agentId, teamIds) =>
      inTx(() => {
        q.removeAll(agentId);
        for (const t of teamIds) q.addMember(t, agentId);
      }),
    insertDevice: async (d) => void q.insertDevice(d.id, d.agent_id, d.name, d.created_at, d.last_seen_at),
    touchDevice: async (id, at) => void q.seen(at, id),
    revokeDevice: async (id, at) =>
      inTx(() => {
        q.revoke(at, id);
        q.dropTokens(id);
      }),
    insertRefreshToken: async (t) => void q.insertToken(t.hash, t.device_id, t.created_at, t.expires_at),
    useRefreshToken: async (hash, at) => q.useToken(at, hash) === 1,
    dropAgentTokens: async (agentId, except) => q.dropAgentTokens(agentId, except),
    insertApiKey: async (k) =>
      void q.insertApiKey(k.id, k.inbox_id, k.name, k.secret_hash, k.created_at, k.created_by),
    markApiKeyUsed: async (id, at) => void q.apiKeyUsed(at, id),
    revokeApiKey: async (id, at) => void q.revokeApiKey(at, id),
    appendAudit: async (l) => void q.appendAudit(l.at, l.actor_id, l.action, l.target, l.detail, l.ip),
  };
}
