// The identity contract (src/relay/data/identityData.ts) as one set of tests, run against every
// implementation (tests/integration/store/identityData.test.ts): SQLite and PostgreSQL. What an
// identity repository must answer, whatever it stores in.
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { AsyncStore } from '../../src/relay/data/asyncStore';
import type { IdentityData, NewAgent } from '../../src/relay/data/identityData';
import type { Commit } from '../../src/relay/data/store';

export type IdentityUnderTest = {
  identity: IdentityData;
  /** The store whose transactions identity's are. */
  store: AsyncStore;
  dispose(): Promise<void>;
};

const agent = (id: string, email: string, over: Partial<NewAgent> = {}): NewAgent => ({
  id,
  email,
  name: id,
  role: 'agent',
  password_hash: `hash-${id}`,
  created_at: 1_000,
  ...over,
});

/** Registers the contract's tests in the enclosing describe, each on fresh data from `make`. */
export function identityContract(make: () => Promise<IdentityUnderTest>): void {
  let s: IdentityUnderTest;
  let id: IdentityData;
  beforeEach(async () => {
    s = await make();
    id = s.identity;
  });
  afterEach(async () => {
    await s.dispose();
  });

  it('keeps accounts, finds one by its email in any case, and refuses a taken email in any case', async () => {
    await id.insertAgent(agent('a1', 'ana@example.com', { name: 'ana', role: 'admin' }));
    await id.insertAgent(agent('a2', 'bo@example.com', { name: 'Bo' }));
    await id.insertAgent(agent('a3', 'cy@example.com', { name: 'cy', role: 'admin' }));
    expect(await id.agentById('a1')).toEqual({
      ...agent('a1', 'ana@example.com', { name: 'ana', role: 'admin' }),
      disabled: 0,
      disabled_at: null,
      disabled_reason: null,
      must_change_password: 0,
      last_sign_in_at: null,
    });
    expect((await id.agentByEmail('ANA@Example.COM'))?.id).toBe('a1');
    expect(await id.agentById('nobody')).toBeNull();
    expect(await id.agentByEmail('nobody@example.com')).toBeNull();
    await expect(id.insertAgent(agent('a4', 'Ana@example.com'))).rejects.toMatchObject({
      code: 'RELAY_ERR_CONFLICT',
      message: 'An agent with the email Ana@example.com already exists.',
    });
    // By name whatever its case.
    expect((await id.agents()).map((a) => a.id)).toEqual(['a1', 'a2', 'a3']);
    expect(await id.adminCount()).toBe(2);

    await id.setDisabled('a3', { at: 5_000, reason: 'left' });
    await id.setRole('a2', 'supervisor');
    await id.setPassword('a2', 'new-hash', true);
    await id.markSignedIn('a2', 7_000);
    expect(await id.adminCount({ enabledOnly: true })).toBe(1);
    expect(await id.agentById('a3')).toMatchObject({
      disabled: 1,
      disabled_at: 5_000,
      disabled_reason: 'left',
    });
    expect(await id.agentById('a2')).toMatchObject({
      role: 'supervisor',
      password_hash: 'new-hash',
      must_change_password: 1,
      last_sign_in_at: 7_000,
    });
    await id.setDisabled('a3', null);
    expect(await id.agentById('a3')).toMatchObject({ disabled: 0, disabled_at: null, disabled_reason: null });
  });

  it('gives one of two concurrent creates of the same email the account and the other "already exists"', async () => {
    const tries = await Promise.allSettled([
      id.insertAgent(agent('x1', 'same@example.com')),
      id.insertAgent(agent('x2', 'SAME@example.com')),
    ]);
    expect(tries.filter((t) => t.status === 'fulfilled')).toHaveLength(1);
    const refused = tries.find((t) => t.status === 'rejected');
    expect(refused?.reason).toMatchObject({ code: 'RELAY_ERR_CONFLICT' });
    expect((refused?.reason as Error).message).toMatch(/^An agent with the email .+ already exists\.$/);
    expect(await id.agents()).toHaveLength(1);
  });

  it('keeps teams, inboxes and membership', async () => {
    await id.insertAgent(agent('a1', 'ana@example.com', { name: 'Ana' }));
    await id.insertAgent(agent('a2', 'bo@example.com', { name: 'Bo' }));
    await id.insertTeam({ id: 't2', name: 'Support', created_at: 1 });
    await id.insertTeam({ id: 't1', name: 'Sales', created_at: 1 });
    expect(await id.teams()).toEqual([
      { id: 't1', name: 'Sales' },
      { id: 't2', name: 'Support' },
    ]);
    expect(await id.team('t2')).toEqual({ id: 't2', name: 'Support' });
    expect(await id.team('t9')).toBeNull();

    await id.insertInbox({ id: 'i2', name: 'Mail', channel: 'email', team_id: 't1' });
    await id.insertInbox({ id: 'i1', name: 'Mail 2', channel: 'email', team_id: 't1' });
    expect(await id.inbox('i2')).toEqual({ id: 'i2', name: 'Mail', channel: 'email', team_id: 't1' });
    expect(await id.inboxFor('t1', 'email')).toBe('i1');
    expect(await id.inboxFor('t1', 'sms')).toBeNull();
    expect((await id.inboxes()).map((i) => i.id)).toEqual(['i1', 'i2']);

    await id.addMember('t2', 'a1');
    await id.addMember('t2', 'a1'); // a second time changes nothing
    await id.addMember('t1', 'a1');
    await id.addMember('t2', 'a2');
    expect(await id.teamIdsOf('a1')).toEqual(['t1', 't2']);
    expect((await id.members('t2')).map((m) => m.id)).toEqual(['a1', 'a2']);
    expect(await id.members('t2')).toContainEqual({
      id: 'a2',
      name: 'Bo',
      email: 'bo@example.com',
      role: 'agent',
    });
    expect(await id.memberships('a1')).toEqual([
      { agent_id: 'a1', id: 't1', name: 'Sales' },
      { agent_id: 'a1', id: 't2', name: 'Support' },
    ]);
    expect(await id.memberships()).toHaveLength(3);

    await id.setTeams('a1', ['t2']);
    expect(await id.teamIdsOf('a1')).toEqual(['t2']);
    await id.setTeams('a1', ['t1', 't2']);
    expect(await id.teamIdsOf('a1')).toEqual(['t1', 't2']);
    await id.removeMember('t2', 'a1');
    expect(await id.teamIdsOf('a1')).toEqual(['t1']);
    await id.setTeams('a1', []);
    expect(await id.teamIdsOf('a1')).toEqual([]);
  });

  it('keeps devices and refresh tokens: a token is used once, a revocation drops the device’s tokens', async () => {
    await id.insertAgent(agent('a1', 'ana@example.com'));
    await id.insertAgent(agent('a2', 'bo@example.com'));
    await id.insertDevice({ id: 'd1', agent_id: 'a1', name: 'Laptop', created_at: 10, last_seen_at: 10 });
    await id.insertDevice({ id: 'd2', agent_id: 'a1', name: 'Phone', created_at: 20, last_seen_at: 20 });
    await id.insertDevice({ id: 'd3', agent_id: 'a2', name: 'Desk', created_at: 30, last_seen_at: 30 });
    await id.touchDevice('d1', 15);
    expect(await id.device('d1')).toEqual({
      id: 'd1',
      agent_id: 'a1',
      name: 'Laptop',
      created_at: 10,
      last_seen_at: 15,
      revoked_at: null,
    });
    expect((await id.devices('a1')).map((d) => d.id)).toEqual(['d1', 'd2']);
    expect((await id.devices(null)).map((d) => d.id)).toEqual(['d1', 'd2', 'd3']);

    for (const [hash, device] of [
      ['h1', 'd1'],
      ['h2', 'd2'],
      ['h3', 'd3'],
    ] as const)
      await id.insertRefreshToken({ hash, device_id: device, created_at: 1, expires_at: 100 });
    expect(await id.refreshToken('h1')).toEqual({
      hash: 'h1',
      device_id: 'd1',
      expires_at: 100,
      used_at: null,
    });
    expect(await id.useRefreshToken('h1', 50)).toBe(true);
    expect(await id.useRefreshToken('h1', 60)).toBe(false);
    expect((await id.refreshToken('h1'))?.used_at).toBe(50);
    expect(await id.useRefreshToken('unknown', 60)).toBe(false);

    // Every device of a1 but d1 loses its tokens; a2's keep theirs.
    expect(await id.dropAgentTokens('a1', 'd1')).toBe(1);
    expect(await id.refreshToken('h2')).toBeNull();
    expect(await id.refreshToken('h3')).not.toBeNull();

    await id.revokeDevice('d3', 70);
    await id.revokeDevice('d3', 80);
    expect((await id.device('d3'))?.revoked_at).toBe(70);
    expect(await id.refreshToken('h3')).toBeNull();
  });

  it('keeps API keys per inbox, with their last use and one revocation time', async () => {
    await id.insertTeam({ id: 't1', name: 'Sales', created_at: 1 });
    await id.insertInbox({ id: 'i1', name: 'API', channel: 'api', team_id: 't1' });
    await id.insertApiKey({
      id: 'k2',
      inbox_id: 'i1',
      name: 'CRM',
      secret_hash: 's2',
      created_at: 5,
      created_by: null,
    });
    await id.insertApiKey({
      id: 'k1',
      inbox_id: 'i1',
      name: 'Shop',
      secret_hash: 's1',
      created_at: 5,
      created_by: 'x',
    });
    expect((await id.apiKeysOf('i1')).map((k) => k.id)).toEqual(['k1', 'k2']);
    expect(await id.apiKeysOf('i9')).toEqual([]);
    await id.markApiKeyUsed('k1', 9);
    await id.revokeApiKey('k1', 10);
    await id.revokeApiKey('k1', 11);
    expect(await id.apiKey('k1')).toEqual({
      id: 'k1',
      inbox_id: 'i1',
      name: 'Shop',
      secret_hash: 's1',
      created_at: 5,
      created_by: 'x',
      last_used_at: 9,
      revoked_at: 10,
    });
    expect(await id.apiKey('k9')).toBeNull();
  });

  it('appends audit lines and reads them newest first, filtered and paged, with the actor’s name', async () => {
    await id.insertAgent(agent('a1', 'ana@example.com', { name: 'Ana' }));
    const line = (at: number, action: string, actor: string | null) =>
      id.appendAudit({ at, actor_id: actor, action, target: 'x', detail: `{"n":${at}}`, ip: '10.0.0.1' });
    await line(100, 'auth.signIn', 'a1');
    await line(200, 'auth.signInFailed', null);
    await line(300, 'auth.signIn', 'a1');
    await line(400, 'auth.signIn', 'gone');
    const all = await id.auditLines({ limit: 10 });
    expect(all.map((l) => l.at)).toEqual([400, 300, 200, 100]);
    expect(all[1]).toMatchObject({
      at: 300,
      actor_id: 'a1',
      action: 'auth.signIn',
      target: 'x',
      detail: '{"n":300}',
      ip: '10.0.0.1',
      email: 'ana@example.com',
      name: 'Ana',
    });
    expect(all[0]).toMatchObject({ actor_id: 'gone', email: null, name: null });
    expect(all[0]!.seq).toBeGreaterThan(all[1]!.seq);
    const at = async (f: Parameters<IdentityData['auditLines']>[0]) =>
      (await id.auditLines(f)).map((l) => l.at);
    expect(await at({ actorId: 'a1', limit: 10 })).toEqual([300, 100]);
    expect(await at({ action: 'auth.signIn', since: 200, until: 400, limit: 10 })).toEqual([300]);
    expect(await at({ limit: 2 })).toEqual([400, 300]);
    expect(await at({ before: all[1]!.seq, limit: 10 })).toEqual([200, 100]);
  });

  it('commits identity rows and synced records together, and rolls both back on a throw', async () => {
    const commits: Commit[] = [];
    s.store.onCommit((c) => commits.push(c));
    const put = (tx: Parameters<Parameters<IdentityData['transaction']>[0]>[0], recId: string) =>
      tx.records.put(
        { entity: 'agent', id: recId, data: { name: recId }, clocks: {}, deleted: false, convId: null },
        { mutationId: null, agentId: null },
      );
    await id.transaction(async (tx) => {
      await tx.insertAgent(agent('a1', 'ana@example.com'));
      await tx.insertTeam({ id: 't1', name: 'Sales', created_at: 1 });
      await tx.addMember('t1', 'a1');
      // The transaction reads its own writes.
      expect(await tx.teamIdsOf('a1')).toEqual(['t1']);
      await put(tx, 'a1');
    });
    expect(await id.teamIdsOf('a1')).toEqual(['t1']);
    expect((await s.store.get('agent', 'a1'))?.data).toEqual({ name: 'a1' });
    expect(commits.map((c) => c.records.map((r) => r.change.id))).toEqual([['a1']]);

    await expect(
      id.transaction(async (tx) => {
        await tx.insertAgent(agent('a2', 'bo@example.com'));
        await put(tx, 'a2');
        await tx.insertAgent(agent('a3', 'BO@example.com'));
      }),
    ).rejects.toMatchObject({ code: 'RELAY_ERR_CONFLICT' });
    expect(await id.agentById('a2')).toBeNull();
    expect(await s.store.get('agent', 'a2')).toBeNull();
    expect(commits).toHaveLength(1);
  });
}
