import type pg from 'pg';
import {
  agentTaken,
  type AgentRow,
  type ApiKeyRow,
  type AuditFilter,
  type AuditRow,
  type DeviceRow,
  type IdentityData,
  type IdentityReads,
  type IdentityTx,
  type IdentityWrites,
  type InboxRow,
  type MemberRow,
  type MembershipRow,
  type RefreshTokenRow,
  type TeamRow,
} from '../identityData';
import type { AsyncTx } from '../asyncStore';
import type { PgStore } from './pgStore';

type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;
type Raw = Record<string, unknown>;

/**
 * Identity (identityData.ts) on the PostgreSQL store's database (tables of migration 002). Reads
 * and single writes go to the store's pool; a transaction is the store's (transactionWith), so its
 * identity rows and synced records commit together. Rows come back in the SQLite shapes (ms as
 * numbers, flags 0/1). Orders compare bytes (COLLATE "C"), as SQLite's do.
 */
export function createPgIdentity(store: PgStore): IdentityData {
  return {
    ...pgReads(store.pool),
    ...pgWrites(store.pool),
    transaction: (fn) => store.transactionWith((records, client) => fn(pgIdentityTx(client, records))),
  };
}

/**
 * Identity's transaction on a connection of the store's `transactionWith` (whose `records` it
 * carries), for a room whose own rows must commit with identity's (voice's grants and audit lines).
 */
export function pgIdentityTx(client: pg.PoolClient, records: AsyncTx): IdentityTx {
  return { ...pgReads(client), ...pgWrites(client), records };
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

function agentOf(r: Raw): AgentRow {
  return {
    id: r['id'] as string,
    email: r['email'] as string,
    name: r['name'] as string,
    role: r['role'] as AgentRow['role'],
    password_hash: r['password_hash'] as string,
    disabled: r['disabled'] ? 1 : 0,
    disabled_at: num(r['disabled_at']),
    disabled_reason: (r['disabled_reason'] as string | null) ?? null,
    must_change_password: r['must_change_password'] ? 1 : 0,
    last_sign_in_at: num(r['last_sign_in_at']),
    created_at: Number(r['created_at']),
  };
}

const deviceOf = (r: Raw): DeviceRow => ({
  id: r['id'] as string,
  agent_id: r['agent_id'] as string,
  name: r['name'] as string,
  created_at: Number(r['created_at']),
  last_seen_at: Number(r['last_seen_at']),
  revoked_at: num(r['revoked_at']),
});

const apiKeyOf = (r: Raw): ApiKeyRow => ({
  id: r['id'] as string,
  inbox_id: r['inbox_id'] as string,
  name: r['name'] as string,
  secret_hash: r['secret_hash'] as string,
  created_at: Number(r['created_at']),
  created_by: (r['created_by'] as string | null) ?? null,
  last_used_at: num(r['last_used_at']),
  revoked_at: num(r['revoked_at']),
});

function pgReads(q: Queryable): IdentityReads {
  const rows = async (sql: string, v: unknown[] = []) => (await q.query<Raw>(sql, v)).rows;
  const one = async <T>(sql: string, v: unknown[], of: (r: Raw) => T): Promise<T | null> => {
    const r = (await rows(sql, v))[0];
    return r ? of(r) : null;
  };
  return {
    agentById: (id) => one('SELECT * FROM agents WHERE id = $1', [id], agentOf),
    agentByEmail: (email) => one('SELECT * FROM agents WHERE lower(email) = lower($1)', [email], agentOf),
    agents: async () =>
      (await rows('SELECT * FROM agents ORDER BY lower(name) COLLATE "C", email COLLATE "C"')).map(agentOf),
    async adminCount(o = {}) {
      const only = o.enabledOnly ? ' AND NOT disabled' : '';
      const r = await rows(`SELECT count(*)::int AS n FROM agents WHERE role = 'admin'${only}`);
      return (r[0]?.['n'] as number | undefined) ?? 0;
    },
    team: (id) => one('SELECT id, name FROM teams WHERE id = $1', [id], (r) => r as TeamRow),
    teams: async () => (await rows('SELECT id, name FROM teams ORDER BY name COLLATE "C"')) as TeamRow[],
    teamIdsOf: async (agentId) =>
      (
        await rows('SELECT team_id FROM team_members WHERE agent_id = $1 ORDER BY team_id COLLATE "C"', [
          agentId,
        ])
      ).map((r) => r['team_id'] as string),
    members: async (teamId) =>
      (await rows(
        'SELECT a.id, a.name, a.email, a.role FROM team_members m JOIN agents a ON a.id = m.agent_id WHERE m.team_id = $1 ORDER BY a.name COLLATE "C"',
        [teamId],
      )) as MemberRow[],
    memberships: async (agentId) =>
      (await rows(
        `SELECT m.agent_id, t.id, t.name FROM team_members m JOIN teams t ON t.id = m.team_id
         ${agentId === undefined ? '' : 'WHERE m.agent_id = $1'} ORDER BY t.name COLLATE "C"`,
        agentId === undefined ? [] : [agentId],
      )) as MembershipRow[],
    inbox: (id) =>
      one('SELECT id, name, channel, team_id FROM inboxes WHERE id = $1', [id], (r) => r as InboxRow),
    inboxes: async () =>
      (await rows('SELECT id, name, channel, team_id FROM inboxes ORDER BY id COLLATE "C"')) as InboxRow[],
    inboxFor: (teamId, channel) =>
      one(
        'SELECT id FROM inboxes WHERE team_id = $1 AND channel = $2 ORDER BY id COLLATE "C" LIMIT 1',
        [teamId, channel],
        (r) => r['id'] as string,
      ),
    device: (id) => one('SELECT * FROM devices WHERE id = $1', [id], deviceOf),
    devices: async (agentId) =>
      (agentId === null
        ? await rows('SELECT * FROM devices ORDER BY created_at')
        : await rows('SELECT * FROM devices WHERE agent_id = $1 ORDER BY created_at', [agentId])
      ).map(deviceOf),
    refreshToken: (hash) =>
      one(
        'SELECT hash, device_id, expires_at, used_at FROM refresh_tokens WHERE hash = $1',
        [hash],
        (r): RefreshTokenRow => ({
          hash: r['hash'] as string,
          device_id: r['device_id'] as string,
          expires_at: Number(r['expires_at']),
          used_at: num(r['used_at']),
        }),
      ),
    apiKey: (id) => one('SELECT * FROM api_keys WHERE id = $1', [id], apiKeyOf),
    apiKeysOf: async (inboxId) =>
      (
        await rows('SELECT * FROM api_keys WHERE inbox_id = $1 ORDER BY created_at, id COLLATE "C"', [
          inboxId,
        ])
      ).map(apiKeyOf),
    auditLines: (f) => auditLines(q, f),
  };
}

async function auditLines(q: Queryable, f: AuditFilter): Promise<AuditRow[]> {
  const where: string[] = [];
  const args: unknown[] = [];
  const add = (clause: string, v: string | number | undefined) => {
    if (v === undefined) return;
    args.push(v);
    where.push(clause.replace('?', `$${args.length}`));
  };
  add('l.actor_id = ?', f.actorId);
  add('l.action = ?', f.action);
  add('l.at >= ?', f.since);
  add('l.at < ?', f.until);
  add('l.seq < ?', f.before);
  args.push(f.limit);
  const r = await q.query<Raw>(
    `SELECT l.*, a.email, a.name FROM audit_log l LEFT JOIN agents a ON a.id = l.actor_id
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY l.seq DESC LIMIT $${args.length}`,
    args,
  );
  return r.rows.map((x) => ({
    seq: Number(x['seq']),
    at: Number(x['at']),
    actor_id: (x['actor_id'] as string | null) ?? null,
    action: x['action'] as string,
    target: (x['target'] as string | null) ?? null,
    detail: x['detail'] as string,
    ip: (x['ip'] as string | null) ?? null,
    email: (x['email'] as string | null) ?? null,
    name: (x['name'] as string | null) ?? null,
  }));
}

function pgWrites(q: Queryable): IdentityWrites {
  const run: RunStatement = async (sql, v) => (await q.query(sql, v)).rowCount ?? 0;
  return { ...pgPeopleWrites(run), ...pgDeviceWrites(run), ...pgKeyAndAuditWrites(run) };
}

/** Runs one statement and answers how many rows it changed. */
type RunStatement = (sql: string, v: unknown[]) => Promise<number>;

/** Agents, teams, inboxes and who belongs to which team. */
function pgPeopleWrites(
  run: RunStatement,
): Pick<
  IdentityWrites,
  | 'insertAgent'
  | 'setDisabled'
  | 'setRole'
  | 'setPassword'
  | 'markSignedIn'
  | 'insertTeam'
  | 'insertInbox'
  | 'addMember'
  | 'removeMember'
  | 'setTeams'
> {
  return {
    async insertAgent(a) {
      try {
        await run(
          'INSERT INTO agents (id, email, name, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
          [a.id, a.email, a.name, a.role, a.password_hash, a.created_at],
        );
      } catch (err) {
        // 23505 unique_violation: the email (agents_email) or id; a concurrent create that won.
        if ((err as { code?: string }).code === '23505') throw agentTaken(a.email);
        throw err;
      }
    },
    setDisabled: async (id, d) =>
      void (await run(
        'UPDATE agents SET disabled = $1, disabled_at = $2, disabled_reason = $3 WHERE id = $4',
        [d !== null, d?.at ?? null, d?.reason ?? null, id],
      )),
    setRole: async (id, role) => void (await run('UPDATE agents SET role = $1 WHERE id = $2', [role, id])),
    setPassword: async (id, hash, mustChange) =>
      void (await run('UPDATE agents SET password_hash = $1, must_change_password = $2 WHERE id = $3', [
        hash,
        mustChange,
        id,
      ])),
    markSignedIn: async (id, at) =>
      void (await run('UPDATE agents SET last_sign_in_at = $1 WHERE id = $2', [at, id])),
    insertTeam: async (t) =>
      void (await run('INSERT INTO teams (id, name, created_at) VALUES ($1, $2, $3)', [
        t.id,
        t.name,
        t.created_at,
      ])),
    insertInbox: async (i) =>
      void (await run('INSERT INTO inboxes (id, name, channel, team_id) VALUES ($1, $2, $3, $4)', [
        i.id,
        i.name,
        i.channel,
        i.team_id,
      ])),
    addMember: async (teamId, agentId) =>
      void (await run('INSERT INTO team_members (team_id, agent_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
        teamId,
        agentId,
      ])),
    removeMember: async (teamId, agentId) =>
      void (await run('DELETE FROM team_members WHERE team_id = $1 AND agent_id = $2', [teamId, agentId])),
    // One statement, so it is whole without a transaction: the two parts touch different rows.
    setTeams: async (agentId, teamIds) =>
      void (await run(
        `WITH gone AS (DELETE FROM team_members WHERE agent_id = $1 AND team_id <> ALL ($2::text[]))
         INSERT INTO team_members (team_id, agent_id) SELECT t, $1 FROM unnest($2::text[]) AS t ON CONFLICT DO NOTHING`,
        [agentId, [...teamIds]],
      )),
  };
}

/** Devices and their refresh tokens. */
function pgDeviceWrites(
  run: RunStatement,
): Pick<
  IdentityWrites,
  | 'insertDevice'
  | 'touchDevice'
  | 'revokeDevice'
  | 'insertRefreshToken'
  | 'useRefreshToken'
  | 'dropAgentTokens'
> {
  return {
    insertDevice: async (d) =>
      void (await run(
        'INSERT INTO devices (id, agent_id, name, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $5)',
        [d.id, d.agent_id, d.name, d.created_at, d.last_seen_at],
      )),
    touchDevice: async (id, at) =>
      void (await run('UPDATE devices SET last_seen_at = $1 WHERE id = $2', [at, id])),
    revokeDevice: async (id, at) =>
      void (await run(
        `WITH r AS (UPDATE devices SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL)
         DELETE FROM refresh_tokens WHERE device_id = $1`,
        [id, at],
      )),
    insertRefreshToken: async (t) =>
      void (await run(
        'INSERT INTO refresh_tokens (hash, device_id, created_at, expires_at) VALUES ($1, $2, $3, $4)',
        [t.hash, t.device_id, t.created_at, t.expires_at],
      )),
    useRefreshToken: async (hash, at) =>
      (await run('UPDATE refresh_tokens SET used_at = $1 WHERE hash = $2 AND used_at IS NULL', [
        at,
        hash,
      ])) === 1,
    dropAgentTokens: (agentId, except) =>
      run(
        'DELETE FROM refresh_tokens WHERE device_id IN (SELECT id FROM devices WHERE agent_id = $1 AND id <> $2)',
        [agentId, except],
      ),
  };
}

/** API keys and the audit log. */
function pgKeyAndAuditWrites(
  run: RunStatement,
): Pick<IdentityWrites, 'insertApiKey' | 'markApiKeyUsed' | 'revokeApiKey' | 'appendAudit'> {
  return {
    insertApiKey: async (k) =>
      void (await run(
        'INSERT INTO api_keys (id, inbox_id, name, secret_hash, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)',
        [k.id, k.inbox_id, k.name, k.secret_hash, k.created_at, k.created_by],
      )),
    markApiKeyUsed: async (id, at) =>
      void (await run('UPDATE api_keys SET last_used_at = $1 WHERE id = $2', [at, id])),
    revokeApiKey: async (id, at) =>
      void (await run('UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [at, id])),
    appendAudit: async (l) =>
      void (await run(
        'INSERT INTO audit_log (at, actor_id, action, target, detail, ip) VALUES ($1, $2, $3, $4, $5, $6)',
        [l.at, l.actor_id, l.action, l.target, l.detail, l.ip],
      )),
  };
}
