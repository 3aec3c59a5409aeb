import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import DatabaseCtor from 'better-sqlite3-multiple-ciphers';
import { afterAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../../src/shared/sync/ids';
import { ROOT_ADMIN, startRelayProcess, type RelayProcess } from '../../support/relayProcess';
import { hello, http, login, mutation, tempDir } from './helpers';

// The API webhook across a relay crash (SIGKILL of a real relay process, started with
// --webhook-options): the receiver got the reply, the relay died before its answer, and after the
// restart the reply comes again with the same Idempotency-Key and body, so a receiver keeping the
// keys it saw takes it once; the message ends up marked sent, and nothing is sent a third time.

type Hit = { key: string; body: string };

const relays: RelayProcess[] = [];
const held: ServerResponse[] = [];
const hits: Hit[] = [];
let hold = false;
const receiver = createServer((req: IncomingMessage, res: ServerResponse) => {
  const parts: Buffer[] = [];
  req.on('data', (b: Buffer) => parts.push(b));
  req.on('end', () => {
    hits.push({ key: String(req.headers['idempotency-key']), body: Buffer.concat(parts).toString('utf8') });
    if (hold) return void held.push(res);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});

afterAll(async () => {
  for (const r of relays) await r.stop();
  for (const r of held) r.destroy();
  await new Promise((r) => receiver.close(r));
});

/** Reads the relay's database from outside its process (WAL: readers never block it). */
function one<T>(dataDir: string, sql: string, ...params: unknown[]): T {
  const db = new DatabaseCtor(join(dataDir, 'relay.db'), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(sql)
      .pluck()
      .get(...params) as T;
  } finally {
    db.close();
  }
}

async function until<T>(what: string, f: () => T | Promise<T>, tries = 800): Promise<NonNullable<T>> {
  for (let i = 0; i < tries; i++) {
    const v = await f();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('relay/channels/api webhook across a relay crash (relay process)', () => {
  it('a relay killed while the receiver holds a reply sends it again with the same key, once', async () => {
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const opts = join(tempDir('sb-hookopts-'), 'webhook.json');
    writeFileSync(
      opts,
      JSON.stringify({ retryMs: 50, maxRetryMs: 200, timeoutMs: 60_000, allowPrivateNetworks: true }),
    );
    const first = await startRelayProcess(['--webhook-options', opts]);
    relays.push(first);
    const admin = (await login(first, ROOT_ADMIN.email, ROOT_ADMIN.password)).accessToken;
    const team = (await http<{ id: string }>(first, 'POST', '/v1/admin/teams', { name: 'Orders' }, admin))
      .body.id;
    const inboxId = (
      await http<{ id: string }>(
        first,
        'POST',
        '/v1/admin/inboxes',
        { name: 'Shop API', channel: 'api', teamId: team },
        admin,
      )
    ).body.id;
    expect((await http(first, 'PUT', `/v1/admin/inboxes/${inboxId}/webhook`, { url }, admin)).status).toBe(
      200,
    );
    const conversationId = (
      await http<{ conversationId: string }>(
        first,
        'POST',
        '/v1/channels/api/messages',
        { inboxId, from: { email: 'ola@orders.test' }, text: 'Where is order 9?', externalId: 'T-9' },
        admin,
      )
    ).body.conversationId;

    hold = true;
    const app = await hello(first, admin);
    const id = uuidv7();
    app.send({
      t: 'push',
      batch: 1,
      mutations: [mutation('message.send', { id, conversationId, body: 'Today.' })],
    });
    expect((await app.next('pushResult')).results[0]).toMatchObject({ status: 'applied' });
    await until('the held attempt', () => hits.some((h) => h.key === id));
    const gone = new Promise((r) => first.proc.once('exit', r));
    first.proc.kill('SIGKILL');
    await gone;
    app.ws.close();
    expect(one(first.dataDir, 'SELECT state FROM webhook_outbox WHERE message_id = ?', id)).toBe('sending');

    hold = false;
    const second = await startRelayProcess(['--webhook-options', opts], { dataDir: first.dataDir });
    relays.push(second);
    await until(
      'sent after the restart',
      () =>
        one<string | null>(
          second.dataDir,
          "SELECT json_extract(data, '$.delivery.state') FROM records WHERE entity = 'message' AND id = ?",
          id,
        ) === 'sent',
    );
    const mine = hits.filter((h) => h.key === id);
    expect(mine).toHaveLength(2);
    expect(mine[1]!.body).toBe(mine[0]!.body);
    expect(JSON.parse(mine[0]!.body)).toMatchObject({ id, conversationId, externalId: 'T-9' });
    // A receiver keeping the keys it saw took it once.
    expect(
      new Set(hits.filter((h) => JSON.parse(h.body).type === 'message.created').map((h) => h.key)).size,
    ).toBe(1);
    expect(
      one(second.dataDir, "SELECT count(*) FROM webhook_outbox WHERE state IN ('queued', 'sending')"),
    ).toBe(0);
  });
});
