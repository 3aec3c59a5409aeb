// Inbound (where customers' messages enter) and the web chat channel as one set of tests, run on
// every store (tests/integration/store/chatPath.test.ts): SQLite through its adapter and
// PostgreSQL. The real inbound path and web chat channel on the asynchronous contracts, a real
// HTTP server and visitor WebSocket on loopback, the widget's own requests.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Change } from '../../src/shared/sync/entities';
import { HlcClock } from '../../src/shared/sync/hlc';
import { uuidv7 } from '../../src/shared/sync/ids';
import { RELAY_ERR } from '../../src/shared/sync/protocol';
import { createInbound } from '../../src/relay/channels/inbound';
import { outgoingReplies } from '../../src/relay/channels/outgoingReplies';
import { createWebchat } from '../../src/relay/channels/webchat/webchat';
import { createWebchatSettings } from '../../src/relay/channels/webchat/settings';
import type { AsyncStore } from '../../src/relay/data/asyncStore';
import type { IdentityData } from '../../src/relay/data/identityData';
import type { InboundData } from '../../src/relay/data/inboundData';
import { writeFieldsAsync } from '../../src/relay/data/records';
import type { WebchatData } from '../../src/relay/data/webchatData';
import { session, visit } from '../integration/webchat/visitorClient';

/** One relay's view of a store: the store, identity and the channels' reads on it. */
export type ChatUnderTest = {
  store: AsyncStore;
  identity: IdentityData;
  inboundData: InboundData;
  webchatData: WebchatData;
  dispose(): Promise<void>;
};

const log = pino({ level: 'silent' });
const SYSTEM = { mutationId: null, agentId: null };

/** A team with a chat inbox and an email inbox, through the async contracts. */
export async function chatWorld(s: Pick<ChatUnderTest, 'store' | 'identity'>, now: () => number) {
  const clock = new HlcClock('relay', now);
  const teamId = uuidv7(now());
  const chatInbox = uuidv7(now());
  const emailInbox = uuidv7(now());
  const write = (entity: 'inbox' | 'conversation', id: string, fields: object) =>
    s.store.transaction((tx) =>
      writeFieldsAsync(
        tx,
        {
          entity,
          id,
          fields: fields as Record<string, unknown>,
          clock: clock.now(),
          convId: entity === 'conversation' ? id : null,
          at: new Date(now()).toISOString(),
        },
        SYSTEM,
      ),
    );
  await s.identity.insertTeam({ id: teamId, name: 'Support', created_at: now() });
  for (const [id, channel] of [
    [chatInbox, 'chat'],
    [emailInbox, 'email'],
  ] as const) {
    await s.identity.insertInbox({ id, name: channel, channel, team_id: teamId });
    await write('inbox', id, { name: channel, channel, teamId });
  }
  return { clock, teamId, chatInbox, emailInbox, write };
}

/** One relay's inbound path and web chat on `s`, served over HTTP on loopback. */
export async function startChatRelay(
  s: ChatUnderTest,
  o: { now: () => number; clock: HlcClock; secret: Buffer; dataDir: string; visitorGoneMs?: number },
) {
  const routed: string[] = [];
  const inbound = createInbound({
    data: s.inboundData,
    identity: s.identity,
    relayClock: o.clock,
    now: o.now,
    route: (id) => routed.push(id),
  });
  const settings = createWebchatSettings({ data: s.webchatData, dataDir: o.dataDir, log, now: o.now });
  const webchat = createWebchat({
    data: s.webchatData,
    store: s.store,
    identity: s.identity,
    relayClock: o.clock,
    secret: o.secret,
    inbound,
    queuePosition: () => null,
    sendToAgent: () => {},
    maxBodyBytes: 64 * 1024,
    maxJsonDepth: 32,
    dataDir: o.dataDir,
    isStaffed: () => true,
    authorizeAgent: async () => {
      throw new Error('no agents in this test');
    },
    log,
    now: o.now,
    ...(o.visitorGoneMs ? { options: { visitorGoneMs: o.visitorGoneMs } } : {}),
    inboxConfig: (inboxId) => settings.config(inboxId),
  });
  const unsubscribe = s.store.onCommit((c) => webchat.onChanges(c.changes));
  const server: Server = createServer((req, res) => {
    void webchat.handle(req, res).then((done) => {
      if (!done) res.writeHead(404).end();
    });
  });
  server.on('upgrade', (req, socket, head) => {
    if (!webchat.upgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    inbound,
    settings,
    webchat,
    routed,
    async close() {
      unsubscribe();
      webchat.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

export type ChatRelay = Awaited<ReturnType<typeof startChatRelay>>;

/** An agent's reply in a conversation, written as the sync path writes one (a message record). */
export async function agentReply(store: AsyncStore, conversationId: string, body: string, now: () => number) {
  const id = uuidv7(now());
  await store.transaction((tx) =>
    tx.put(
      {
        entity: 'message',
        id,
        data: {
          conversationId,
          direction: 'out',
          authorId: 'ana',
          body,
          createdAt: new Date(now()).toISOString(),
        },
        clocks: {},
        deleted: false,
        convId: conversationId,
      },
      { mutationId: null, agentId: 'ana' },
    ),
  );
  return id;
}

export const tempDataDir = () => mkdtempSync(join(tmpdir(), 'sb-chat-'));

/** The tests, on the store `make` opens (a fresh one per test). */
export function chatContract(make: () => Promise<ChatUnderTest>): void {
  const now = () => Date.now();
  let s: ChatUnderTest;
  let w: Awaited<ReturnType<typeof chatWorld>>;
  let relay: ChatRelay;
  beforeEach(async () => {
    s = await make();
    w = await chatWorld(s, now);
    relay = await startChatRelay(s, { now, clock: w.clock, secret: randomBytes(32), dataDir: tempDataDir() });
  });
  afterEach(async () => {
    await relay.close();
    await s.dispose();
  });

  it('takes mail in: the customer found by their address whatever its case, their open conversation reused', async () => {
    const first = await relay.inbound.receive({
      inboxId: w.emailInbox,
      from: { name: 'Fang', email: 'Fang@Example.cn' },
      text: '我的订单什么时候到？',
      subject: 'Order 7',
    });
    expect(first.newConversation).toBe(true);
    expect((await s.store.get('customer', first.customerId))?.data).toMatchObject({
      name: 'Fang',
      emails: ['fang@example.cn'],
    });
    expect((await s.store.get('conversation', first.conversationId))?.data).toMatchObject({
      customerId: first.customerId,
      channel: 'email',
      status: 'open',
      teamId: w.teamId,
      inboxId: w.emailInbox,
      subject: 'Order 7',
    });
    expect((await s.store.get('message', first.messageId))?.data).toMatchObject({
      conversationId: first.conversationId,
      direction: 'in',
      body: '我的订单什么时候到？',
    });
    const again = await relay.inbound.receive({
      inboxId: w.emailInbox,
      from: { email: 'fang@example.cn' },
      text: '还有，能改地址吗？',
    });
    expect(again).toMatchObject({
      customerId: first.customerId,
      conversationId: first.conversationId,
      newConversation: false,
    });
    expect(relay.routed).toEqual([first.conversationId, first.conversationId]);
  });

  it('matches a phone number however it is written, and a resolved conversation starts anew', async () => {
    const a = await relay.inbound.receive({
      inboxId: w.emailInbox,
      from: { phone: '+1 415 555 0100' },
      text: 'Hello',
    });
    await w.write('conversation', a.conversationId, {
      status: 'resolved',
      lastMessageAt: '2020-01-01T00:00:00.000Z',
    });
    const b = await relay.inbound.receive({
      inboxId: w.emailInbox,
      from: { phone: '(415) 555-0100' },
      text: 'Me again',
    });
    expect(b.customerId).toBe(a.customerId);
    expect(b.newConversation).toBe(true);
    expect((await s.store.conversationIdsOfCustomer(a.customerId)).sort()).toEqual(
      [a.conversationId, b.conversationId].sort(),
    );
  });

  it("rolls everything back when the channel's own bookkeeping fails, and refuses an unknown inbox", async () => {
    const m = { inboxId: w.emailInbox, from: { email: 'li@example.com' }, text: 'Where is my refund?' };
    await expect(
      relay.inbound.receive({
        ...m,
        alsoRecord: () => {
          throw new Error('the mailbox position could not be kept');
        },
      }),
    ).rejects.toThrow('the mailbox position could not be kept');
    const r = await relay.inbound.receive(m);
    expect(r.newConversation).toBe(true);
    expect(await s.store.conversationIdsOfCustomer(r.customerId)).toEqual([r.conversationId]);
    await expect(relay.inbound.receive({ ...m, inboxId: 'nowhere' })).rejects.toMatchObject({
      code: RELAY_ERR.NOT_FOUND,
    });
  });

  it("carries a visitor's messages in and an agent's reply out; a new socket gets the backlog", async () => {
    const token = await session(relay, { inboxId: w.chatInbox, name: 'Mei' });
    const v = await visit(relay, token);
    v.send({ t: 'message', text: 'Is anyone there?', clientId: 'c1' });
    const mine = await v.next('message', (f) => f['clientId'] === 'c1');
    const messageId = (mine['message'] as { id: string }).id;
    const conversationId = (await s.store.get('message', messageId))?.convId;
    expect(conversationId).toBeTruthy();
    expect((await s.store.get('conversation', conversationId!))?.data).toMatchObject({
      channel: 'chat',
      inboxId: w.chatInbox,
      status: 'open',
    });
    expect(await s.webchatData.presenceOf(conversationId!)).not.toBeNull();
    const committed: Change[] = [];
    const unsubscribe = s.store.onCommit((c) => committed.push(...c.changes));
    const replyId = await agentReply(s.store, conversationId!, 'Yes, Ana here.', now);
    unsubscribe();
    // The rule every replying channel's outbox follows: an agent's new reply in one of its inboxes.
    expect(await outgoingReplies(s.store, s.identity, 'chat')(committed)).toEqual([
      { messageId: replyId, conversationId, inboxId: w.chatInbox },
    ]);
    expect(await outgoingReplies(s.store, s.identity, 'email')(committed)).toEqual([]);
    const reply = await v.next(
      'message',
      (f) => (f['message'] as { body: string }).body === 'Yes, Ana here.',
    );
    expect(reply['message']).toMatchObject({ direction: 'out' });
    v.ws.close();
    // A new socket of the same session gets the chat's backlog, in order.
    const back = await visit(relay, token);
    await back.next('message', (f) => (f['message'] as { body: string }).body === 'Yes, Ana here.');
    expect(
      back.frames.flatMap((f) => (f.t === 'message' ? [(f['message'] as { body: string }).body] : [])),
    ).toEqual(['Is anyone there?', 'Yes, Ana here.']);
    back.ws.close();
  });

  it("keeps admins' settings: a sealed identity secret opens, an origin left off the list is refused", async () => {
    await relay.settings.update(
      w.chatInbox,
      { allowedOrigins: ['https://shop.example'], identitySecret: 'a-secret-of-16-chars' },
      'admin',
    );
    expect(await relay.settings.config(w.chatInbox)).toEqual({
      allowedOrigins: ['https://shop.example'],
      identitySecret: 'a-secret-of-16-chars',
    });
    expect(await relay.settings.view(w.chatInbox)).toMatchObject({
      identitySecretSet: true,
      updatedBy: 'admin',
      source: { allowedOrigins: 'api', identitySecret: 'api' },
    });
    await expect(session(relay, { inboxId: w.chatInbox }, 'https://evil.example')).rejects.toThrow('403');
    expect(await session(relay, { inboxId: w.chatInbox }, 'https://shop.example')).toBeTruthy();
    await relay.settings.reset(w.chatInbox);
    expect(await relay.settings.view(w.chatInbox)).toMatchObject({
      updatedAt: null,
      identitySecretSet: false,
    });
  });
}
