import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import { ADMIN, http, login, startTestRelay } from '../relay/helpers';
import { PDF, PNG, session, upload, visit } from './visitorClient';

// Web chat attachments against a real relay: the documented limits, refusals by content (not by
// name), hostile names, and who may download a file (the visitor's own token; agents who may see
// the conversation).

const MAX = 64 * 1024;
let relay: Relay & { dataDir: string };
let inboxId: string;
let adminToken: string;
let teamAgentToken: string;
let otherAgentToken: string;
let chatTeamId: string;

beforeAll(async () => {
  relay = await startTestRelay({
    webchat: { attachments: { maxBytes: MAX, maxFiles: 2 }, rateLimit: { perSecond: 50, burst: 100 } },
  });
  adminToken = (await login(relay, ADMIN.email, ADMIN.password)).accessToken;
  const team = async (name: string) =>
    (await http<{ id: string }>(relay, 'POST', '/v1/admin/teams', { name }, adminToken)).body.id;
  const chatTeam = await team('Chat');
  chatTeamId = chatTeam;
  const otherTeam = await team('Billing');
  inboxId = (
    await http<{ id: string }>(
      relay,
      'POST',
      '/v1/admin/inboxes',
      { name: 'Web chat', channel: 'chat', teamId: chatTeam },
      adminToken,
    )
  ).body.id;
  for (const [email, teamId] of [
    ['chat@relay.test', chatTeam],
    ['billing@relay.test', otherTeam],
  ] as const)
    await http(
      relay,
      'POST',
      '/v1/admin/agents',
      { email, password: 'password-123', name: email, teamIds: [teamId] },
      adminToken,
    );
  teamAgentToken = (await login(relay, 'chat@relay.test', 'password-123')).accessToken;
  otherAgentToken = (await login(relay, 'billing@relay.test', 'password-123')).accessToken;
});

afterAll(async () => {
  await relay.close();
});

/** An inbox on another relay: made there by its admin. */
async function firstInbox(r: Relay): Promise<string> {
  const t = (await login(r, ADMIN.email, ADMIN.password)).accessToken;
  const team = (await http<{ id: string }>(r, 'POST', '/v1/admin/teams', { name: 'T' }, t)).body.id;
  return (
    await http<{ id: string }>(
      r,
      'POST',
      '/v1/admin/inboxes',
      { name: 'I', channel: 'chat', teamId: team },
      t,
    )
  ).body.id;
}

const get = (path: string, token?: string) =>
  fetch(relay.url + path, token ? { headers: { authorization: `Bearer ${token}` } } : {});

/** Sends the uploaded files on a message and returns the stored message as the widget saw it. */
async function sendWith(token: string, ids: string[], text = '') {
  const v = await visit(relay, token);
  const clientId = `c-${ids[0] ?? ''}-${ids.length}`;
  v.send({ t: 'message', text, clientId, attachments: ids });
  const f = await v.next('message', (x) => x['clientId'] === clientId);
  v.ws.close();
  return f['message'] as { id: string; body: string; attachments: { id: string; name: string }[] };
}

describe('relay/channels/webchat attachments', () => {
  it('stores an allowed file, puts it on the message, and serves it back only to its owners', async () => {
    const token = await session(relay, { inboxId, name: 'Ana' });
    const up = await upload(relay, token, 'receipt.png', PNG);
    expect(up.status).toBe(201);
    expect(up.body.attachment).toMatchObject({ name: 'receipt.png', size: PNG.length, type: 'image/png' });
    const id = up.body.attachment!.id;
    expect(id).toMatch(/^[0-9a-f]{32}$/);

    // Not sent yet: the visitor may fetch it, no agent may.
    expect((await get(`/v1/attachments/${id}`, teamAgentToken)).status).toBe(404);

    const msg = await sendWith(token, [id], 'here is my receipt');
    expect(msg.attachments).toEqual([{ id, name: 'receipt.png', size: PNG.length, type: 'image/png' }]);
    const stored = relay.db
      .prepare(`SELECT data FROM records WHERE entity = 'message' AND id = ?`)
      .pluck()
      .get(msg.id) as string;
    expect(JSON.parse(stored).attachments).toEqual(msg.attachments);
    // The bytes live under the data dir, not in the change log.
    expect(readdirSync(join(relay.dataDir, 'attachments'))).toContain(id);

    const own = await get(`/v1/widget/attachments/${id}`, token);
    expect(own.status).toBe(200);
    expect(Buffer.from(await own.arrayBuffer()).equals(PNG)).toBe(true);
    expect(own.headers.get('content-type')).toBe('image/png');
    expect(own.headers.get('x-content-type-options')).toBe('nosniff');
    expect(own.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");

    const agent = await get(`/v1/attachments/${id}`, teamAgentToken);
    expect(agent.status).toBe(200);
    expect(Buffer.from(await agent.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await get(`/v1/attachments/${id}`, adminToken)).status).toBe(200);

    // Another team's agent, another visitor, no token, a forged token: nothing.
    expect((await get(`/v1/attachments/${id}`, otherAgentToken)).status).toBe(404);
    const stranger = await session(relay, { inboxId, name: 'Eve' });
    expect((await get(`/v1/widget/attachments/${id}`, stranger)).status).toBe(404);
    expect((await get(`/v1/attachments/${id}`)).status).toBe(401);
    expect((await get(`/v1/widget/attachments/${id}`)).status).toBe(401);
    expect((await get(`/v1/widget/attachments/${id}`, 'e30.AAAA')).status).toBe(401);
    // A visitor token is not an agent token.
    expect((await get(`/v1/attachments/${id}`, token)).status).toBe(401);
    // Ids are random hex: a path in their place finds nothing.
    expect((await get('/v1/attachments/..%2F..%2Frelay.db', adminToken)).status).toBe(404);
  });

  it('sends non-images as downloads and text as text', async () => {
    const token = await session(relay, { inboxId, name: 'Bo' });
    const pdf = await upload(relay, token, 'invoice.pdf', PDF);
    const txt = await upload(
      relay,
      token,
      'notes.txt',
      Buffer.from('订单号 12345\n<script>alert(1)</script>\n'),
    );
    expect([pdf.status, txt.status]).toEqual([201, 201]);
    expect(pdf.body.attachment!.type).toBe('application/pdf');
    expect(txt.body.attachment!.type).toBe('text/plain');
    await sendWith(token, [pdf.body.attachment!.id, txt.body.attachment!.id]);
    const p = await get(`/v1/widget/attachments/${pdf.body.attachment!.id}`, token);
    expect(p.headers.get('content-disposition')).toMatch(/^attachment; filename="invoice.pdf"/);
    const t = await get(`/v1/attachments/${txt.body.attachment!.id}`, teamAgentToken);
    expect(t.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(t.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(t.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('refuses oversized files, types it does not allow (by content, whatever the name) and too many', async () => {
    const token = await session(relay, { inboxId, name: 'Cy' });
    const before = readdirSync(join(relay.dataDir, 'attachments')).length;

    const big = await upload(relay, token, 'big.png', Buffer.concat([PNG, Buffer.alloc(MAX)]));
    expect(big.status).toBe(413);
    expect(big.body.error).toMatchObject({ code: 'RELAY_ERR_TOO_LARGE', reason: 'too-large' });

    // An HTML page named like an image, a program named like a PDF, a PDF named like an image,
    // an HTML page as itself, an SVG (scriptable): all refused as a type not allowed.
    const refused = [
      ['photo.png', Buffer.from('<html><script>alert(1)</script></html>')],
      ['invoice.pdf', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0])],
      ['picture.png', PDF],
      ['page.html', Buffer.from('<!doctype html><script>alert(1)</script>')],
      ['logo.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')],
    ] as const;
    for (const [name, bytes] of refused) {
      const r = await upload(relay, token, name, bytes);
      expect(r.status, name).toBe(415);
      expect(r.body.error?.reason, name).toBe('type');
    }
    expect((await upload(relay, token, 'empty.txt', Buffer.alloc(0))).body.error?.reason).toBe('empty');
    expect(readdirSync(join(relay.dataDir, 'attachments'))).toHaveLength(before);

    // Two may wait to be sent at once; the third is refused until they go.
    const a = await upload(relay, token, 'a.png', PNG);
    const b = await upload(relay, token, 'b.png', PNG);
    const c = await upload(relay, token, 'c.png', PNG);
    expect([a.status, b.status, c.status]).toEqual([201, 201, 422]);
    expect(c.body.error?.reason).toBe('too-many');
    await sendWith(token, [a.body.attachment!.id, b.body.attachment!.id]);
    expect((await upload(relay, token, 'c.png', PNG)).status).toBe(201);

    // Uploading takes a live visitor token.
    expect((await upload(relay, 'e30.AAAA', 'x.png', PNG)).status).toBe(401);
  });

  it('tells the widget its limits', async () => {
    const res = await fetch(`${relay.url}/v1/widget/config?inbox=${inboxId}`);
    expect(await res.json()).toMatchObject({
      attachments: {
        maxBytes: MAX,
        maxFiles: 2,
        types: expect.arrayContaining(['image/png', 'application/pdf']),
      },
      maxMessageLength: 2000,
    });
  });

  it('limits how fast one visitor uploads', async () => {
    const slow = await startTestRelay({ webchat: { rateLimit: { perSecond: 0.001, burst: 2 } } });
    try {
      const token = await session(slow, { inboxId: await firstInbox(slow) });
      const codes = [];
      for (let i = 0; i < 3; i++) codes.push((await upload(slow, token, `f${i}.png`, PNG)).status);
      expect(codes).toEqual([201, 201, 429]);
    } finally {
      await slow.close();
    }
  });

  it('never lets a visitor send a file that is not theirs or was sent already', async () => {
    const owner = await session(relay, { inboxId, name: 'Di' });
    const thief = await session(relay, { inboxId, name: 'Mallory' });
    const up = await upload(relay, owner, 'mine.png', PNG);
    const id = up.body.attachment!.id;
    const v = await visit(relay, thief);
    v.send({ t: 'message', text: 'look', clientId: 'steal', attachments: [id] });
    expect((await v.next('error'))['code']).toBe('RELAY_ERR_FORBIDDEN');
    v.ws.close();
    await sendWith(owner, [id]);
    const again = await visit(relay, owner);
    again.send({ t: 'message', text: 'again', clientId: 'again', attachments: [id] });
    expect((await again.next('error'))['code']).toBe('RELAY_ERR_FORBIDDEN');
    again.ws.close();
  });

  it('lets agents who may see a web chat send files back, which only that visitor may fetch', async () => {
    const token = await session(relay, { inboxId, name: 'Fay' });
    const v = await visit(relay, token);
    v.send({ t: 'message', text: 'can you send the manual?', clientId: 'm1' });
    const first = (await v.next('message'))['message'] as { id: string };
    const convId = relay.db
      .prepare(`SELECT conv_id FROM records WHERE entity = 'message' AND id = ?`)
      .pluck()
      .get(first.id) as string;
    const send = (agentToken: string, name: string, bytes: Buffer, conv = convId) =>
      fetch(`${relay.url}/v1/attachments?conversationId=${conv}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${agentToken}`,
          'content-type': 'application/octet-stream',
          'x-file-name': encodeURIComponent(name),
        },
        body: bytes,
      });

    const res = await send(teamAgentToken, 'manual.pdf', PDF);
    expect(res.status).toBe(201);
    const sent = (await res.json()) as { messageId: string; attachment: { id: string } };
    const out = (await v.next('message', (f) => (f['message'] as { id: string }).id === sent.messageId))[
      'message'
    ] as { direction: string; attachments: { id: string; name: string; type: string }[] };
    expect(out.direction).toBe('out');
    expect(out.attachments).toEqual([
      { id: sent.attachment.id, name: 'manual.pdf', size: PDF.length, type: 'application/pdf' },
    ]);
    const got = await get(`/v1/widget/attachments/${sent.attachment.id}`, token);
    expect(Buffer.from(await got.arrayBuffer()).equals(PDF)).toBe(true);
    const stranger = await session(relay, { inboxId, name: 'Gus' });
    expect((await get(`/v1/widget/attachments/${sent.attachment.id}`, stranger)).status).toBe(404);

    // The same checks as visitors' files; and only agents who may see the conversation.
    expect((await send(teamAgentToken, 'manual.pdf', Buffer.from('<html></html>'))).status).toBe(415);
    expect((await send(otherAgentToken, 'manual.pdf', PDF)).status).toBe(403);
    expect((await send(teamAgentToken, 'manual.pdf', PDF, 'no-such-conversation')).status).toBe(403);
    // Files go to a web chat's visitor, or attached to a mail (tests/integration/email); an API
    // conversation has nobody to hand a file to.
    const apiInbox = (
      await http<{ id: string }>(
        relay,
        'POST',
        '/v1/admin/inboxes',
        { name: 'Orders API', channel: 'api', teamId: chatTeamId },
        adminToken,
      )
    ).body.id;
    const posted = await http<{ conversationId: string }>(
      relay,
      'POST',
      '/v1/channels/api/messages',
      { inboxId: apiInbox, from: { name: 'Hal', email: 'hal@example.com' }, text: 'hello' },
      adminToken,
    );
    expect((await send(adminToken, 'manual.pdf', PDF, posted.body.conversationId)).status).toBe(422);
    v.ws.close();
  });

  it('sanitises hostile file names and keeps markup as plain text', async () => {
    const token = await session(relay, { inboxId, name: 'Names' });
    const cases: [string, (n: string) => void][] = [
      ['<img src=x onerror=alert(1)>.png', (n) => expect(n).toBe('<img src=x onerror=alert(1)>.png')],
      ['../../../etc/passwd.png', (n) => expect(n).toBe('passwd.png')],
      ['..\\..\\boot.png', (n) => expect(n).toBe('boot.png')],
      ['a\u0000b\u0007c\u202Egnp.png', (n) => expect(n).toBe('abcgnp.png')],
      ['...hidden.png', (n) => expect(n).toBe('hidden.png')],
      [
        `${'x'.repeat(10_000)}.png`,
        (n) => {
          expect(n.length).toBeLessThanOrEqual(200);
          expect(n.endsWith('.png')).toBe(true);
        },
      ],
    ];
    const ids: string[] = [];
    for (const [raw, check] of cases) {
      const r = await upload(relay, token, raw, PNG);
      expect(r.status, raw.slice(0, 40)).toBe(201);
      check(r.body.attachment!.name);
      ids.push(r.body.attachment!.id);
      // Sent at once, so the pending limit (2) never trips this loop.
      await sendWith(token, [r.body.attachment!.id]);
    }
    // Whatever the name, the file is stored under its random id, inside the attachments folder.
    const files = readdirSync(join(relay.dataDir, 'attachments'));
    expect(files.every((f) => /^[0-9a-f]{32}(\.json)?$/.test(f))).toBe(true);
    // The download names the file safely: quotes and non-ASCII only in the encoded form.
    const res = await get(`/v1/attachments/${ids[0]}`, teamAgentToken);
    expect(res.headers.get('content-disposition')).toBe(
      `inline; filename="<img src=x onerror=alert(1)>.png"; filename*=UTF-8''${encodeURIComponent('<img src=x onerror=alert(1)>.png')}`,
    );
  });
});
