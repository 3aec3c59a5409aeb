import { generateKeyPairSync, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import type { AuditEntryView } from '../../../src/shared/adminApi';
import type { GrantClaims, IssuedGrant } from '../../../src/shared/monitoring';
import { kamailioQueuesMissing, startKamailio, type RunningKamailio } from '../../../e2e/support/kamailio';
import { header, startSipUa } from '../../support/sipTcp';
import { ADMIN, hello, http, login, startTestRelay, type Client } from '../relay/helpers';

// Monitoring grants (listen / whisper / barge) on a real relay with a live call through a real
// Kamailio: only the supervisors of the agent's team and admins get a grant; the agent's app
// redeems it before answering, and a forged, expired, replayed or mismatched grant is refused.
// Every attempt, granted or refused, is a line in the audit log.

const missing = kamailioQueuesMissing();
if (missing) console.warn(`monitoring grant tests skipped: ${missing}`);

type Person = { id: string; token: string };
let kamailio: RunningKamailio;
let relay: Relay & { dataDir: string };
/** The relay's clock runs this far ahead of the wall clock (a grant expires without a wait). */
let skewMs = 0;
let admin: string;
let teamId: string;
let alice: Person & { client: Client; ua: Awaited<ReturnType<typeof startSipUa>> };
let bob: Person;
let supA: Person;
let supB: Person;
let caller: Awaited<ReturnType<typeof startSipUa>>;
let callId: string;
let conversationId: string;

async function until<T>(what: string, f: () => T | undefined | null | false): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const v = f();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function person(email: string, team: string, role: string, sipUser: string | null): Promise<Person> {
  const r = await http<{ id: string }>(
    relay,
    'POST',
    '/v1/admin/agents',
    { email, password: 'password-123', name: email, role, teamIds: [team] },
    admin,
  );
  expect(r.status).toBe(200);
  if (sipUser) await http(relay, 'PUT', `/v1/admin/agents/${r.body.id}/phone`, { sipUser }, admin);
  return { id: r.body.id, token: (await login(relay, email, 'password-123')).accessToken };
}

const ask = (who: Person, body: unknown) =>
  http<IssuedGrant & { error?: { code: string; message: string } }>(
    relay,
    'POST',
    '/v1/monitoring/grants',
    body,
    who.token,
  );
const redeem = (who: Person, grant: string, observed: Record<string, unknown> = {}) =>
  http<{ claims?: GrantClaims; error?: { code: string; message: string } }>(
    relay,
    'POST',
    '/v1/monitoring/redeem',
    { grant, observed: { callId, fromUser: 'supa', ...observed } },
    who.token,
  );

async function auditLines(action: string): Promise<AuditEntryView[]> {
  const r = await http<{ entries: AuditEntryView[] }>(
    relay,
    'GET',
    `/v1/admin/audit?action=${encodeURIComponent(action)}`,
    undefined,
    admin,
  );
  return r.body.entries;
}

describe.skipIf(missing !== null)('monitoring grants', () => {
  beforeAll(async () => {
    kamailio = await startKamailio({ queues: true });
    relay = await startTestRelay({
      voice: { kamailioEvapi: kamailio.evapiAddress! },
      now: () => Date.now() + skewMs,
    });
    admin = (await login(relay, ADMIN.email, ADMIN.password)).accessToken;
    teamId = (await http<{ id: string }>(relay, 'POST', '/v1/admin/teams', { name: 'Phones' }, admin)).body
      .id;
    const otherTeam = (await http<{ id: string }>(relay, 'POST', '/v1/admin/teams', { name: 'Other' }, admin))
      .body.id;
    const inboxId = (
      await http<{ id: string }>(
        relay,
        'POST',
        '/v1/admin/inboxes',
        { name: 'Support line', channel: 'voice', teamId },
        admin,
      )
    ).body.id;
    await http(
      relay,
      'PUT',
      `/v1/admin/inboxes/${inboxId}/phone`,
      { addresses: ['support'], waitLimitMs: 20_000 },
      admin,
    );
    const a = await person('alice@mon.test', teamId, 'agent', 'alice');
    const ua = await startSipUa({
      user: 'alice',
      domain: kamailio.domain,
      proxyPort: kamailio.port,
      password: kamailio.passwordFor('alice'),
    });
    expect(await ua.register()).toBe(200);
    alice = { ...a, client: await hello(relay, a.token), ua };
    bob = await person('bob@mon.test', teamId, 'agent', 'bob');
    supA = await person('supa@mon.test', teamId, 'supervisor', 'supa');
    supB = await person('supb@mon.test', otherTeam, 'supervisor', 'supb');
    caller = await startSipUa({ user: '+8613800000001', domain: kamailio.domain, proxyPort: kamailio.port });
    await until('the relay connected to Kamailio', () => /queue: relay connected/.test(kamailio.log()));
    alice.client.send({ t: 'presence', state: 'available' });
    await new Promise((r) => setTimeout(r, 100));
    const call = caller.call('support', 'Wang Fang');
    callId = call.callId;
    const rung = await until('alice rings', () =>
      alice.ua.incoming.find((c) => header(c.invite, 'Call-ID') === callId),
    );
    rung.answer();
    await call.final;
    conversationId = await until('the call is live on the relay', () => {
      const row = relay.db
        .prepare<[string], { id: string; state: string }>(
          `SELECT id, json_extract(data, '$.call.state') AS state FROM records
            WHERE entity = 'conversation' AND json_extract(data, '$.call.callId') = ?`,
        )
        .get(callId);
      return row?.state === 'talking' ? row.id : null;
    });
  }, 60_000);

  afterAll(async () => {
    alice?.client.ws.close();
    alice?.ua.close();
    caller?.close();
    await relay?.close();
    await kamailio?.stop();
  });

  it('refuses an agent and a supervisor of another team, and logs each attempt', async () => {
    const byAgent = await ask(bob, { callConversationId: conversationId, mode: 'listen' });
    expect(byAgent.status).toBe(403);
    expect(byAgent.body.error?.code).toBe('RELAY_ERR_FORBIDDEN');
    const byOther = await ask(supB, { callId, mode: 'barge' });
    expect(byOther.status).toBe(403);
    // The other team's supervisor cannot tell a live call from none.
    const none = await ask(supB, { callId: 'no-such-call@nowhere', mode: 'barge' });
    expect(none.status).toBe(403);
    expect(none.body.error?.message).toBe(byOther.body.error?.message);
    const refused = await auditLines('monitoring.refused');
    expect(refused.find((e) => e.actorId === bob.id)?.detail).toMatchObject({
      stage: 'issue',
      reason: 'role',
    });
    expect(refused.filter((e) => e.actorId === supB.id).map((e) => e.detail['reason'])).toEqual([
      'not-your-team',
      'not-your-team',
    ]);
  });

  it('grants the team supervisor a signed, short-lived grant naming supervisor, agent, call and mode; the agent redeems it once', async () => {
    const r = await ask(supA, { callConversationId: conversationId, mode: 'whisper' });
    expect(r.status).toBe(200);
    const c = r.body.claims;
    expect(c).toMatchObject({
      mode: 'whisper',
      supervisorId: supA.id,
      supervisorSipUser: 'supa',
      agentId: alice.id,
      agentSipUser: 'alice',
      callId,
      conversationId,
      agentSees: true,
    });
    expect(c.expiresAt - c.issuedAt).toBe(30_000);
    const granted = (await auditLines('monitoring.granted')).find((e) => e.detail['grantId'] === c.id);
    expect(granted).toMatchObject({ actorId: supA.id, target: conversationId });
    expect(granted?.detail).toMatchObject({ agentId: alice.id, callId, mode: 'whisper' });

    // Someone else's app cannot use it, and it stays usable by its agent.
    expect((await redeem(bob, r.body.grant)).status).toBe(403);
    const ok = await redeem(alice, r.body.grant);
    expect(ok.status).toBe(200);
    expect(ok.body.claims?.id).toBe(c.id);
    expect((await auditLines('monitoring.redeemed')).find((e) => e.detail['grantId'] === c.id)?.actorId).toBe(
      alice.id,
    );
    // Replayed.
    const again = await redeem(alice, r.body.grant);
    expect(again.status).toBe(403);
    expect(again.body.error?.message).toMatch(/replayed/);
    const refused = await auditLines('monitoring.refused');
    expect(
      refused.filter((e) => e.detail['grantId'] === c.id).map((e) => [e.actorId, e.detail['reason']]),
    ).toEqual([
      [alice.id, 'replayed'],
      [bob.id, 'not-for-you'],
    ]);
    // A mode change within the session names the first grant; a made-up session is refused.
    const barge = await ask(supA, { callId, mode: 'barge' });
    expect((await redeem(alice, barge.body.grant, { sessionGrantId: alice.id })).body.error?.message).toMatch(
      /wrong-session/,
    );
    const barge2 = await ask(supA, { callId, mode: 'barge' });
    expect((await redeem(alice, barge2.body.grant, { sessionGrantId: c.id })).status).toBe(200);
  });

  it('records the end of a session once, from the supervisor or the agent, and refuses anyone else', async () => {
    const r = await ask(supA, { callConversationId: conversationId, mode: 'listen' });
    const c = r.body.claims;
    expect((await redeem(alice, r.body.grant)).status).toBe(200);
    const end = (who: Person, body: unknown) =>
      http<{ recorded?: boolean; error?: { message: string } }>(
        relay,
        'POST',
        '/v1/monitoring/end',
        body,
        who.token,
      );
    // Another agent, and a supervisor of another team, learn nothing (the same 404 as for no session).
    expect((await end(bob, { grantId: c.id, reason: 'supervisor-left' })).status).toBe(404);
    expect((await end(supB, { grantId: c.id, reason: 'supervisor-left' })).status).toBe(404);
    expect((await end(supA, { grantId: alice.id, reason: 'supervisor-left' })).status).toBe(404);
    expect((await end(supA, { grantId: c.id, reason: 'bored' })).status).toBe(422);
    // The agent's app reports it first; the supervisor's report after it changes nothing.
    expect((await end(alice, { grantId: c.id, reason: 'call-ended' })).body).toEqual({ recorded: true });
    expect((await end(supA, { grantId: c.id, reason: 'supervisor-left' })).body).toEqual({ recorded: false });
    const ended = (await auditLines('monitoring.ended')).filter((e) => e.detail['grantId'] === c.id);
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({ actorId: alice.id, target: conversationId });
    expect(ended[0]?.detail).toMatchObject({
      supervisorId: supA.id,
      agentId: alice.id,
      callId,
      reason: 'call-ended',
      joined: true,
    });
    expect(typeof ended[0]?.detail['durationMs']).toBe('number');
    const refused = (await auditLines('monitoring.refused')).filter((e) => e.detail['stage'] === 'end');
    expect(refused.map((e) => [e.actorId, e.detail['reason']])).toEqual([
      [supA.id, 'unknown'],
      [supB.id, 'not-yours'],
      [bob.id, 'not-yours'],
    ]);
  });

  it('refuses forged grants: altered claims, or signed with another key', async () => {
    const r = await ask(supA, { callConversationId: conversationId, mode: 'listen' });
    const [prefix, claims, signature] = r.body.grant.split('.');
    const altered = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(claims!, 'base64url').toString()), mode: 'barge' }),
    ).toString('base64url');
    const forged1 = await redeem(alice, `${prefix}.${altered}.${signature}`);
    expect(forged1.status).toBe(403);
    expect(forged1.body.error?.message).toMatch(/forged/);
    const { privateKey } = generateKeyPairSync('ed25519');
    const signed = `${prefix}.${claims}`;
    const forged2 = await redeem(
      alice,
      `${signed}.${sign(null, Buffer.from(signed), privateKey).toString('base64url')}`,
    );
    expect(forged2.status).toBe(403);
    const garbage = await redeem(alice, 'not a grant');
    expect(garbage.body.error?.message).toMatch(/malformed/);
    const refused = await auditLines('monitoring.refused');
    expect(refused.slice(0, 3).map((e) => [e.actorId, e.detail['reason']])).toEqual([
      [alice.id, 'malformed'],
      [alice.id, 'forged'],
      [alice.id, 'forged'],
    ]);
    // The genuine one still works: a forgery spends nothing.
    expect((await redeem(alice, r.body.grant)).status).toBe(200);
  });

  it('refuses a grant for another call or from another supervisor, and an expired one', async () => {
    const wrongCall = await ask(supA, { callConversationId: conversationId, mode: 'listen' });
    expect((await redeem(alice, wrongCall.body.grant, { callId: 'other-call' })).body.error?.message).toMatch(
      /wrong-call/,
    );
    const wrongSup = await ask(supA, { callConversationId: conversationId, mode: 'listen' });
    expect((await redeem(alice, wrongSup.body.grant, { fromUser: 'mallory' })).body.error?.message).toMatch(
      /wrong-supervisor/,
    );
    const late = await ask(supA, { callConversationId: conversationId, mode: 'listen' });
    // The relay's clock moves on past the grant's life (and stays there: clocks do not run back).
    skewMs += 31_000;
    const expired = await redeem(alice, late.body.grant);
    expect(expired.status).toBe(403);
    expect(expired.body.error?.message).toMatch(/expired/);
    const reasons = (await auditLines('monitoring.refused')).slice(0, 3).map((e) => e.detail['reason']);
    expect(reasons).toEqual(['expired', 'wrong-supervisor', 'wrong-call']);
  });

  it('the team decides whether its agents see that they are monitored (admins and its supervisors)', async () => {
    const path = `/v1/admin/teams/${teamId}/monitoring`;
    expect((await http(relay, 'PUT', path, { agentSees: false }, bob.token)).status).toBe(403);
    expect((await http(relay, 'PUT', path, { agentSees: false }, supB.token)).status).toBe(403);
    expect((await http(relay, 'PUT', path, { agentSees: 'no' }, supA.token)).status).toBe(422);
    expect((await http(relay, 'PUT', path, { agentSees: false }, supA.token)).status).toBe(200);
    const r = await ask(supA, { callId, mode: 'listen' });
    expect(r.body.claims.agentSees).toBe(false);
    expect((await auditLines('monitoring.policyChanged'))[0]).toMatchObject({
      actorId: supA.id,
      target: teamId,
    });
    await http(relay, 'PUT', path, { agentSees: true }, admin);
  });

  it('refuses grants for a call that has ended', async () => {
    const r = await ask(supA, { callId, mode: 'listen' });
    const live = alice.ua.incoming.find((c) => header(c.invite, 'Call-ID') === callId)!;
    live.bye();
    await until('the call ended on the relay', () => {
      const s = relay.db
        .prepare<[string], string>(
          `SELECT json_extract(data, '$.call.state') FROM records WHERE entity = 'conversation' AND id = ?`,
        )
        .pluck()
        .get(conversationId);
      return s === 'ended';
    });
    expect((await redeem(alice, r.body.grant)).body.error?.message).toMatch(/call-not-live/);
    const after = await ask(supA, { callId, mode: 'listen' });
    expect(after.status).toBe(409);
  });
});
