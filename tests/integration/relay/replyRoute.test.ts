import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import { uuidv7 } from '../../../src/shared/sync/ids';
import { drain, hello, http, mutation, startTestRelay, twoTeams } from './helpers';

// Channel truth on the relay: a reply its conversation's channel cannot deliver is refused with
// RELAY_ERR_UNDELIVERABLE and nothing is stored (no message, lastMessageAt unmoved), whatever an
// app sends; one that can be delivered is applied.

let relay: Relay;
let setup: Awaited<ReturnType<typeof twoTeams>>;

beforeAll(async () => {
  relay = await startTestRelay({});
  setup = await twoTeams(relay);
});
afterAll(async () => {
  await relay.close();
});

/** The `sync.refused` audit lines of an agent. */
const refusalsOf = (agentId: string) =>
  (
    relay.db
      .prepare("SELECT target, detail FROM audit_log WHERE action = 'sync.refused' AND actor_id = ?")
      .all(agentId) as { target: string; detail: string }[]
  ).map((x) => ({ target: x.target, detail: JSON.parse(x.detail) as Record<string, unknown> }));

const messageStored = (id: string) =>
  relay.db.prepare("SELECT COUNT(*) FROM records WHERE entity='message' AND id=?").pluck().get(id) as number;

describe('relay/replyRoute', () => {
  it('refuses a reply on a call and on an email conversation with no address, and stores none', async () => {
    const c = await hello(relay, setup.a.tokens.accessToken);
    await drain(c);
    const noMail = uuidv7();
    const withMail = uuidv7();
    const call = uuidv7();
    const mailNoAddress = uuidv7();
    const mail = uuidv7();
    const replies = [uuidv7(), uuidv7(), uuidv7()];
    const t = Date.now();
    c.send({
      t: 'push',
      batch: 1,
      mutations: [
        mutation('customer.create', { id: noMail, fields: { name: 'No Mail' } }, t),
        mutation(
          'customer.create',
          { id: withMail, fields: { name: 'Ann', emails: ['ann@example.com'] } },
          t + 1,
        ),
        mutation(
          'conversation.create',
          { id: call, customerId: withMail, channel: 'voice', subject: '' },
          t + 2,
        ),
        mutation(
          'conversation.create',
          { id: mailNoAddress, customerId: noMail, channel: 'email', subject: 'Hi' },
          t + 3,
        ),
        mutation(
          'conversation.create',
          { id: mail, customerId: withMail, channel: 'email', subject: 'Hi' },
          t + 4,
        ),
        mutation('message.send', { id: replies[0], conversationId: call, body: 'Hello' }, t + 5),
        mutation('message.send', { id: replies[1], conversationId: mailNoAddress, body: 'Hello' }, t + 6),
        mutation('message.send', { id: replies[2], conversationId: mail, body: 'Hello' }, t + 7),
      ],
    });
    const r = await c.next('pushResult', (f) => f.batch === 1);
    expect(r.results.map((x) => x.status)).toEqual([
      'applied',
      'applied',
      'applied',
      'applied',
      'applied',
      'rejected',
      'rejected',
      'applied',
    ]);
    expect(r.results[5]).toMatchObject({
      code: 'RELAY_ERR_UNDELIVERABLE',
      message: expect.stringMatching(/note/),
    });
    expect(r.results[6]).toMatchObject({
      code: 'RELAY_ERR_UNDELIVERABLE',
      message: expect.stringMatching(/no email address/),
    });
    expect(replies.map(messageStored)).toEqual([0, 0, 1]);
    c.ws.close();
  });

  it("refuses an email conversation to an address not the customer's, and keeps the one chosen", async () => {
    const c = await hello(relay, setup.a.tokens.accessToken);
    await drain(c);
    const customer = uuidv7();
    const [foreign, chat, chosen] = [uuidv7(), uuidv7(), uuidv7()];
    const t = Date.now();
    c.send({
      t: 'push',
      batch: 3,
      mutations: [
        mutation(
          'customer.create',
          { id: customer, fields: { name: 'Mei', emails: ['mei@home.test', 'mei@work.test'] } },
          t,
        ),
        mutation(
          'conversation.create',
          { id: foreign, customerId: customer, channel: 'email', subject: 'Hi', to: 'boss@elsewhere.test' },
          t + 1,
        ),
        mutation(
          'conversation.create',
          { id: chat, customerId: customer, channel: 'chat', subject: '', to: 'mei@work.test' },
          t + 2,
        ),
        mutation(
          'conversation.create',
          { id: chosen, customerId: customer, channel: 'email', subject: 'Hi', to: 'MEI@work.test' },
          t + 3,
        ),
      ],
    });
    const r = await c.next('pushResult', (f) => f.batch === 3);
    expect(r.results.map((x) => x.status)).toEqual(['applied', 'rejected', 'rejected', 'applied']);
    expect(r.results[1]).toMatchObject({
      code: 'RELAY_ERR_VALIDATION',
      message: expect.stringMatching(/boss@elsewhere\.test is not one of this customer's email addresses/),
    });
    expect(r.results[2]).toMatchObject({
      code: 'RELAY_ERR_VALIDATION',
      message: expect.stringMatching(/only an email/),
    });
    const stored = (id: string) =>
      relay.db.prepare("SELECT data FROM records WHERE entity='conversation' AND id=?").pluck().get(id) as
        string | undefined;
    expect(stored(foreign)).toBeUndefined();
    expect(stored(chat)).toBeUndefined();
    expect(JSON.parse(stored(chosen)!)).toMatchObject({ to: 'MEI@work.test', channel: 'email' });
    // Mail to a stranger was stopped: that is in the audit log (who, which change, why); a plain
    // validation refusal (the chat with an address) is answered, not audited.
    const refused = refusalsOf(setup.a.id);
    expect(refused.filter((x) => x.detail.mutationId === r.results[1]!.id)).toEqual([
      expect.objectContaining({
        target: 'conversation.create',
        detail: expect.objectContaining({
          code: 'RELAY_ERR_VALIDATION',
          reason: expect.stringMatching(/boss@elsewhere\.test is not one/),
        }),
      }),
    ]);
    expect(refused.some((x) => x.detail.mutationId === r.results[2]!.id)).toBe(false);
    c.ws.close();
  });

  it('audits a change pushed outside the agent’s scope (another team’s conversation), and stores nothing', async () => {
    const c = await hello(relay, setup.a.tokens.accessToken);
    await drain(c);
    const customer = uuidv7();
    const elsewhere = uuidv7();
    c.send({
      t: 'push',
      batch: 4,
      mutations: [
        mutation('customer.create', { id: customer, fields: { name: 'Ana' } }),
        mutation('conversation.create', {
          id: elsewhere,
          customerId: customer,
          channel: 'chat',
          subject: '',
          teamId: setup.teamB,
        }),
      ],
    });
    const r = await c.next('pushResult', (f) => f.batch === 4);
    expect(r.results[1]).toMatchObject({ status: 'rejected', code: 'RELAY_ERR_FORBIDDEN' });
    expect(refusalsOf(setup.a.id).filter((x) => x.detail.mutationId === r.results[1]!.id)).toEqual([
      expect.objectContaining({
        target: 'conversation.create',
        detail: expect.objectContaining({ code: 'RELAY_ERR_FORBIDDEN', deviceId: expect.any(String) }),
      }),
    ]);
    c.ws.close();
  });

  it('refuses a reply on an API inbox without a webhook and on a closed web chat until it reopens', async () => {
    const admin = setup.admin.accessToken;
    const inbox = await http<{ id: string }>(
      relay,
      'POST',
      '/v1/admin/inboxes',
      { name: 'Orders API', channel: 'api', teamId: setup.teamA },
      admin,
    );
    expect(inbox.status).toBe(200);
    const posted = await http<{ conversationId: string }>(
      relay,
      'POST',
      '/v1/channels/api/messages',
      { inboxId: inbox.body.id, from: { email: 'ola@orders.test' }, text: 'Where is my order?' },
      admin,
    );
    expect(posted.status).toBe(201);
    const c = await hello(relay, setup.a.tokens.accessToken);
    await drain(c);
    const customer = uuidv7();
    const chat = uuidv7();
    const replies = [uuidv7(), uuidv7(), uuidv7()];
    const t = Date.now();
    c.send({
      t: 'push',
      batch: 2,
      mutations: [
        mutation(
          'message.send',
          { id: replies[0], conversationId: posted.body.conversationId, body: 'Soon' },
          t,
        ),
        mutation('customer.create', { id: customer, fields: { name: 'Lu' } }, t + 1),
        mutation(
          'conversation.create',
          { id: chat, customerId: customer, channel: 'chat', subject: '' },
          t + 2,
        ),
        mutation('conversation.setStatus', { id: chat, status: 'resolved' }, t + 3),
        mutation('message.send', { id: replies[1], conversationId: chat, body: 'One more thing' }, t + 4),
        mutation('conversation.setStatus', { id: chat, status: 'open' }, t + 5),
        mutation('message.send', { id: replies[2], conversationId: chat, body: 'One more thing' }, t + 6),
      ],
    });
    const r = await c.next('pushResult', (f) => f.batch === 2);
    expect(r.results.map((x) => x.status)).toEqual([
      'rejected',
      'applied',
      'applied',
      'applied',
      'rejected',
      'applied',
      'applied',
    ]);
    expect(r.results[0]).toMatchObject({
      code: 'RELAY_ERR_UNDELIVERABLE',
      message: expect.stringMatching(/no webhook/),
    });
    expect(r.results[4]).toMatchObject({
      code: 'RELAY_ERR_UNDELIVERABLE',
      message: expect.stringMatching(/chat is closed.*reopen/),
    });
    expect(replies.map(messageStored)).toEqual([0, 0, 1]);
    c.ws.close();
  });
});
