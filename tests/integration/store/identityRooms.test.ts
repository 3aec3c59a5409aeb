import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HlcClock } from '../../../src/shared/sync/hlc';
import type { AsyncStore } from '../../../src/relay/data/asyncStore';
import { openMemoryDatabase } from '../../../src/relay/data/db';
import type { IdentityData } from '../../../src/relay/data/identityData';
import { createPgIdentity } from '../../../src/relay/data/postgres/pgIdentity';
import { createPgStore } from '../../../src/relay/data/postgres/pgStore';
import { asyncSqliteStore } from '../../../src/relay/data/sqliteAsync';
import { createSqliteIdentity } from '../../../src/relay/data/sqliteIdentity';
import { createStore } from '../../../src/relay/data/sqliteStore';
import { createAccountWrites } from '../../../src/relay/identity/accountWrites';
import { AUDIT, createAudit } from '../../../src/relay/identity/audit';
import { createDirectory } from '../../../src/relay/identity/directory';
import { createAuth } from '../../../src/relay/identity/auth';
import { resolveLoginThrottle } from '../../../src/relay/identity/loginThrottle';
import { postgresMissing, startPostgres, type RunningPostgres } from '../../support/postgres';

// The identity rooms (accounts' people management, sign-in and tokens, the audit log) on the
// repositories, run the same on SQLite and on PostgreSQL: nothing of them asks SQL any more.
type Stores = { identity: IdentityData; store: AsyncStore; dispose(): Promise<void> };

let t = Date.parse('2026-12-03T09:00:00.000Z');
const now = () => (t += 1000);

function rooms(s: Stores) {
  const log = pino({ level: 'silent' });
  const audit = createAudit({ identity: s.identity, now, log });
  const accounts = createAccountWrites({
    identity: s.identity,
    records: s.store,
    clock: new HlcClock('relay', now),
    now,
  });
  const revoked: string[] = [];
  const auth = createAuth(
    s.identity,
    s.store,
    randomBytes(32),
    { accessTokenTtlMs: 60_000, refreshTokenTtlMs: 3_600_000, loginThrottle: resolveLoginThrottle(), now },
    (deviceId) => revoked.push(deviceId),
    audit,
  );
  return { audit, accounts, auth, revoked };
}

function identityRooms(make: () => Promise<Stores>): void {
  it('creates people once per email (also in a race), signs them in, rotates and revokes tokens, audits it', async () => {
    const s = await make();
    try {
      const { audit, accounts, auth, revoked } = rooms(s);
      await s.identity.insertTeam({ id: 't1', name: 'Support', created_at: 1 });
      const input = {
        email: 'Ana@Example.com',
        password: 'pass-word-1',
        name: 'Ana',
        role: 'agent' as const,
      };
      const tries = await Promise.allSettled([
        accounts.createAgent({ ...input, teamIds: ['t1'] }, null),
        accounts.createAgent({ ...input, email: 'ana@example.com' }, null),
      ]);
      const made = tries.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      expect(made).toHaveLength(1);
      const refused = tries.find((r) => r.status === 'rejected');
      expect(refused?.reason).toMatchObject({
        code: 'RELAY_ERR_CONFLICT',
        message: 'An agent with the email ana@example.com already exists.',
      });
      const ana = made[0]!;
      // The synced agent record goes with the account.
      expect((await s.store.get('agent', ana.id))?.data).toMatchObject({
        email: 'ana@example.com',
        role: 'agent',
      });

      const pair = await auth.login({
        email: 'ANA@example.com',
        password: 'pass-word-1',
        deviceName: 'Laptop',
      });
      expect(await auth.authenticate(pair.accessToken)).toMatchObject({ agentId: ana.id, role: 'agent' });
      const next = await auth.refresh(pair.refreshToken);
      expect(next.deviceId).toBe(pair.deviceId);
      // The old token again: it leaked, so the device is revoked.
      await expect(auth.refresh(pair.refreshToken)).rejects.toMatchObject({
        code: 'RELAY_ERR_DEVICE_REVOKED',
      });
      expect(revoked).toEqual([pair.deviceId]);
      await expect(auth.authenticate(next.accessToken)).rejects.toMatchObject({
        code: 'RELAY_ERR_DEVICE_REVOKED',
      });

      await accounts.setRole(ana.id, 'supervisor', null);
      await accounts.setTeams(ana.id, [], null);
      expect((await s.store.get('agent', ana.id))?.data).toMatchObject({ role: 'supervisor', teamIds: [] });
      await accounts.setDisabled(ana.id, true, 'left the company');
      await expect(
        auth.login({ email: 'ana@example.com', password: 'pass-word-1', deviceName: 'Phone' }),
      ).rejects.toMatchObject({ code: 'RELAY_ERR_ACCOUNT_DISABLED' });
      expect(await accounts.people()).toMatchObject([
        { id: ana.id, disabled: true, disabledReason: 'left the company' },
      ]);

      const lines = (await audit.query({ limit: 10, actor: 'ana@example.com' })).entries.map((e) => e.action);
      expect(lines).toEqual([AUDIT.SIGN_IN_FAILED, AUDIT.REFRESH_REUSED, AUDIT.SIGN_IN]);
    } finally {
      await s.dispose();
    }
  });
  it('answers the directory: who oversees and manages whom, the agent as apps see it, teams and inboxes made', async () => {
    const s = await make();
    try {
      const { accounts } = rooms(s);
      const dir = createDirectory({
        identity: s.identity,
        records: s.store,
        clock: new HlcClock('relay', now),
        now,
      });
      const support = await dir.createTeam('Support', null);
      const sales = await dir.createTeam('Sales', null, 'team-sales');
      expect(sales.id).toBe('team-sales');
      expect((await s.store.get('team', support.id))?.data).toMatchObject({ name: 'Support' });
      const inbox = await dir.createInbox({ name: 'Chat', channel: 'chat', teamId: support.id }, null);
      expect(await dir.inboxFor(support.id, 'chat')).toBe(inbox.id);
      expect((await s.store.get('inbox', inbox.id))?.data).toMatchObject({ channel: 'chat' });
      await expect(
        dir.createInbox({ name: 'X', channel: 'email', teamId: 'nope' }, null),
      ).rejects.toMatchObject({
        code: 'RELAY_ERR_NOT_FOUND',
      });

      const pw = 'pass-word-1';
      const sup = await accounts.createAgent(
        { email: 's@x.io', password: pw, name: 'Sue', role: 'supervisor', teamIds: [support.id] },
        null,
      );
      const ag = await accounts.createAgent(
        { email: 'a@x.io', password: pw, name: 'Al', role: 'agent', teamIds: [support.id] },
        null,
      );
      const other = await accounts.createAgent(
        { email: 'o@x.io', password: pw, name: 'Oz', role: 'agent', teamIds: [sales.id] },
        null,
      );
      const peer = await accounts.createAgent(
        { email: 'p@x.io', password: pw, name: 'Pat', role: 'supervisor', teamIds: [support.id] },
        null,
      );
      const asSup = { agentId: sup.id, role: 'supervisor' as const };
      expect(await dir.oversees(asSup, support.id)).toBe(true);
      expect(await dir.oversees(asSup, sales.id)).toBe(false);
      expect(await dir.oversees(asSup, null)).toBe(false);
      expect(await dir.oversees({ agentId: 'x', role: 'admin' }, sales.id)).toBe(true);
      expect(await dir.oversees({ agentId: ag.id, role: 'agent' }, support.id)).toBe(false);
      expect(await dir.managesAgent(asSup, ag.id)).toBe(true);
      expect(await dir.managesAgent(asSup, other.id)).toBe(false);
      expect(await dir.managesAgent(asSup, peer.id)).toBe(false);
      expect(await dir.managesAgent({ agentId: 'x', role: 'admin' }, peer.id)).toBe(true);
      expect(await dir.publicAgent(ag.id)).toEqual({
        id: ag.id,
        name: 'Al',
        email: 'a@x.io',
        role: 'agent',
        teamIds: [support.id],
        skills: [],
      });
      await expect(dir.publicAgent('nobody')).rejects.toMatchObject({ code: 'RELAY_ERR_NOT_FOUND' });
      expect((await dir.members(support.id)).map((m) => m.name)).toEqual(['Al', 'Pat', 'Sue']);
      await expect(dir.members('nope')).rejects.toMatchObject({ code: 'RELAY_ERR_NOT_FOUND' });
      expect((await dir.people()).map((p) => [p.name, p.teams.map((t) => t.name)])).toEqual([
        ['Al', ['Support']],
        ['Oz', ['Sales']],
        ['Pat', ['Support']],
        ['Sue', ['Support']],
      ]);
    } finally {
      await s.dispose();
    }
  });
}

describe('relay/identity rooms on SQLite', () => {
  identityRooms(async () => {
    const db = openMemoryDatabase();
    const store = asyncSqliteStore(createStore(db, now));
    return { identity: createSqliteIdentity(db, store), store, dispose: async () => void db.close() };
  });
});

const missing = postgresMissing();
if (missing) console.warn(`identity rooms on PostgreSQL skipped: ${missing}`);

describe.skipIf(missing !== null)('relay/identity rooms on PostgreSQL', () => {
  let server: RunningPostgres;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });
  identityRooms(async () => {
    const store = await createPgStore({ connectionString: await server.createDatabase(), now });
    return { identity: createPgIdentity(store), store, dispose: () => store.close() };
  });
});
