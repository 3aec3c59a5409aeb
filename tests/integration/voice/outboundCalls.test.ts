import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import { CallService } from '../../../src/main/services/callService';
import { drain, hello, mutation } from '../relay/helpers';
import { relayWithTeam, settled, startApp, stopApp, until, type App } from '../store/relayHarness';

// Calls an agent places from the workstation are voice conversations too: the app (encrypted
// cache, outbox, sync client) against a real relay. The customer is matched by number (or made),
// the conversation lands in the agent's team voice inbox, assigned to them, and carries the same
// live call state as a queue call; the wrap-up files the call there and resolves it.

let relay: Relay;
let app: App;
let agentId: string;
let voiceInbox: string;
let calls: CallService;
let colleagueToken: string;

const relayRecord = (entity: string, id: string) => {
  const r = relay.db
    .prepare<[string, string], { data: string }>(`SELECT data FROM records WHERE entity = ? AND id = ?`)
    .get(entity, id);
  return r ? (JSON.parse(r.data) as Record<string, unknown>) : null;
};

describe('outbound calls as voice conversations', () => {
  beforeAll(async () => {
    const h = await relayWithTeam();
    relay = h.relay;
    voiceInbox = (
      await h.asAdmin('/v1/admin/inboxes', { name: 'Phones', channel: 'voice', teamId: h.team.id })
    ).id;
    agentId = (await h.agent('dana@calls.test', 'Dana')).id;
    app = await startApp(relay, 'dana@calls.test');
    await until(() => settled(app));
    calls = new CallService({ store: () => app.store, uploadRecordings: () => undefined });
    await h.agent('eve@calls.test', 'Eve');
    const login = await fetch(new URL('/v1/auth/login', relay.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'eve@calls.test', password: 'agent-pass-1', deviceName: 'eve' }),
    });
    colleagueToken = ((await login.json()) as { accessToken: string }).accessToken;
  }, 30_000);

  afterAll(async () => {
    if (app) stopApp(app);
    await relay?.close();
  });

  it('dialling a customer’s number: their profile, the team’s voice inbox, assigned to the agent, live state, wrap-up', async () => {
    const customerId = app.store.newId();
    app.store.mutate('customer.create', {
      id: customerId,
      fields: { name: 'Zhao Lei', phones: ['+8613800000009'] },
    });
    const { conversationId, customerId: matched } = calls.dial({ phone: '+8613800000009', customerId: null });
    expect(matched).toBe(customerId);
    const callId = 'outbound-1@workstation';
    const ev = (state: 'dialing' | 'talking' | 'held' | 'ended', extra: Record<string, string> = {}) =>
      calls.event({ conversationId, callId, state, direction: 'out', ...extra });
    ev('dialing', { dialled: '+8613800000009' });
    ev('talking');
    ev('held');
    ev('talking');
    ev('ended', { endedBy: 'customer' });
    await until(() => settled(app));
    const conv = relayRecord('conversation', conversationId)!;
    expect(conv).toMatchObject({
      channel: 'voice',
      customerId,
      inboxId: voiceInbox,
      assigneeId: agentId,
      status: 'open',
      call: { state: 'ended', direction: 'out', callId, endedBy: 'customer', agentId, source: 'app' },
    });
    const states = relay.db
      .prepare<[string], { data: string }>(
        `SELECT data FROM records WHERE entity = 'fieldChange' AND json_extract(data, '$.recordId') = ?
           AND json_extract(data, '$.field') = 'call' ORDER BY seq`,
      )
      .all(conversationId)
      .map((r) => (JSON.parse(r.data) as { value: { state: string } }).value.state);
    expect(states).toEqual(['dialing', 'talking', 'held', 'talking', 'ended']);
    const at = new Date().toISOString();
    calls.log({
      customerId,
      conversationId,
      direction: 'out',
      from: 'Dana',
      to: '+8613800000009',
      startedAt: at,
      answeredAt: at,
      endedAt: at,
      disposition: null,
      note: 'Called back about the order.',
    });
    await until(() => settled(app));
    expect(relayRecord('conversation', conversationId)).toMatchObject({ status: 'resolved' });
  });

  it('an unknown number becomes a profile named after it; each call is a conversation of its own', async () => {
    const a = calls.dial({ phone: '+8613900000010', customerId: null });
    const b = calls.dial({ phone: '+8613900000010', customerId: null });
    expect(b.customerId).toBe(a.customerId);
    expect(b.conversationId).not.toBe(a.conversationId);
    await until(() => settled(app));
    expect(relayRecord('customer', a.customerId)).toMatchObject({
      name: '+8613900000010',
      phones: ['+8613900000010'],
    });
    expect(relayRecord('conversation', b.conversationId)).toMatchObject({
      customerId: a.customerId,
      assigneeId: agentId,
    });
  });

  it('only the agent on the call reports its events: a teammate who can see it is refused', async () => {
    const { conversationId } = calls.dial({ phone: '+8613900000011', customerId: null });
    await until(() => settled(app));
    const eve = await hello(relay, colleagueToken);
    // Eve sees the conversation (her team's), so only the rule about the call refuses her.
    expect((await drain(eve)).changes.some((c) => c.id === conversationId)).toBe(true);
    eve.send({
      t: 'push',
      batch: 1,
      mutations: [
        mutation('call.event', {
          id: app.store.newId(),
          conversationId,
          callId: 'x',
          state: 'ended',
          direction: 'out',
        }),
      ],
    });
    const r = await eve.next('pushResult', (f) => f.batch === 1);
    expect(r.results[0]).toMatchObject({ status: 'rejected', code: 'RELAY_ERR_FORBIDDEN' });
    eve.ws.close();
    expect(relayRecord('conversation', conversationId)?.['call']).toBeUndefined();
  });
});
