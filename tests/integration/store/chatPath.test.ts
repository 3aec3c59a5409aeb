import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMemoryDatabase } from '../../../src/relay/data/db';
import { createSqliteInboundData } from '../../../src/relay/data/inboundData';
import { createPgIdentity } from '../../../src/relay/data/postgres/pgIdentity';
import { createPgInboundData, PG_INBOUND_SQL } from '../../../src/relay/data/postgres/pgInboundData';
import { createPgLogReads } from '../../../src/relay/data/postgres/pgLogReads';
import { createPgStore, type PgStore } from '../../../src/relay/data/postgres/pgStore';
import { createPgWebchatData, PG_WEBCHAT_SQL } from '../../../src/relay/data/postgres/pgWebchatData';
import { asyncSqliteStore } from '../../../src/relay/data/sqliteAsync';
import { createSqliteIdentity } from '../../../src/relay/data/sqliteIdentity';
import { createStore } from '../../../src/relay/data/sqliteStore';
import { createSqliteWebchatData } from '../../../src/relay/data/webchatData';
import { postgresMissing, startPostgres, type RunningPostgres } from '../../support/postgres';
import {
  agentReply,
  chatContract,
  chatWorld,
  startChatRelay,
  tempDataDir,
  type ChatUnderTest,
} from '../../support/chatContract';
import { session, until, visit } from '../webchat/visitorClient';

// Inbound and the web chat channel on both stores: mail and chat in, a reply out to the visitor,
// the admins' settings, on SQLite and on a real PostgreSQL; and, on PostgreSQL, two relays on one
// database: one customer from two relays taking the same sender at once, a visitor on one relay
// hearing a reply committed on the other through the log, and a visitor who moved to the other
// relay not marked gone by the first.
const now = () => Date.now();

describe('inbound and web chat on SQLite (through sqliteAsync)', () => {
  chatContract(async () => {
    const db = openMemoryDatabase();
    const store = asyncSqliteStore(createStore(db, now));
    return {
      store,
      identity: createSqliteIdentity(db, store),
      inboundData: createSqliteInboundData(db, store),
      webchatData: createSqliteWebchatData(db, store),
      dispose: async () => void db.close(),
    };
  });
});

const missing = postgresMissing();
if (missing) console.warn(`inbound and web chat on PostgreSQL skipped: ${missing}`);

describe.skipIf(missing !== null)('inbound and web chat on PostgreSQL', () => {
  let server: RunningPostgres;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** One relay process on the database at `url`: its own pool, store, identity and channel reads. */
  async function relayOn(url: string): Promise<ChatUnderTest & { pg: PgStore }> {
    const store = await createPgStore({ connectionString: url, now });
    return {
      pg: store,
      store,
      identity: createPgIdentity(store),
      inboundData: createPgInboundData(store),
      webchatData: createPgWebchatData(store),
      dispose: () => store.close(),
    };
  }

  chatContract(async () => relayOn(await server.createDatabase()));

  it("finds customers and a customer's conversations by migration 011's indexes", async () => {
    const r = await relayOn(await server.createDatabase());
    try {
      await r.pg.pool.query(
        `INSERT INTO records (entity, id, data, seq)
         SELECT 'customer', 'u' || i,
           json_build_object('emails', json_build_array('c' || i || '@example.com'),
             'phones', json_build_array('+1415555' || lpad(i::text, 4, '0')),
             'identities', json_build_array(json_build_object('kind', 'webchat', 'value', 'inbox:' || i)))::text,
           i
         FROM generate_series(1, 20000) AS i;
         INSERT INTO records (entity, id, data, seq, conv_id)
         SELECT 'conversation', 'c' || i,
           json_build_object('customerId', 'u' || (i / 2), 'inboxId', 'in', 'channel', 'chat', 'status', 'open')::text,
           20000 + i, 'c' || i
         FROM generate_series(1, 20000) AS i;
         ANALYZE records`,
      );
      const plan = async (sql: string, values: string[]) => {
        // As the channels run them: prepared statements, on their generic plans.
        const c = await r.pg.pool.connect();
        try {
          await c.query('SET plan_cache_mode = force_generic_plan');
          await c.query(`PREPARE q AS ${sql}`);
          const x = await c.query<{ 'QUERY PLAN': string }>(
            `EXPLAIN EXECUTE q(${values.map((v) => `'${v}'`).join(', ')})`,
          );
          await c.query('DEALLOCATE q');
          return x.rows.map((row) => row['QUERY PLAN']).join('\n');
        } finally {
          c.release();
        }
      };
      expect(await plan(PG_INBOUND_SQL.customerByEmail, ['c7@example.com'])).toMatch(
        /records_customer_emails/,
      );
      expect(await plan(PG_INBOUND_SQL.customerByPhone, ['+14155550007'])).toMatch(/records_customer_phones/);
      expect(await plan(PG_INBOUND_SQL.latestConversation, ['u7', 'in'])).toMatch(/records_conv_customer/);
      expect(await plan(PG_WEBCHAT_SQL.customerByIdentity, ['inbox:7'])).toMatch(
        /records_customer_identities/,
      );
      expect(await plan(PG_WEBCHAT_SQL.ownChat, ['u7', 'u7', 'c14'])).toMatch(
        /records_conv_customer|records_pkey/,
      );
    } finally {
      await r.dispose();
    }
  });

  it('makes one customer when two relays take the first mail of a sender at once', async () => {
    const url = await server.createDatabase();
    const [a, b] = [await relayOn(url), await relayOn(url)];
    const w = await chatWorld(a, now);
    const secret = randomBytes(32);
    const dataDir = tempDataDir();
    const [ra, rb] = [
      await startChatRelay(a, { now, clock: w.clock, secret, dataDir }),
      await startChatRelay(b, { now, clock: w.clock, secret, dataDir }),
    ];
    try {
      const mail = (text: string) => ({ inboxId: w.emailInbox, from: { email: 'zh1@example.cn' }, text });
      const results = await Promise.all([
        ...[1, 2, 3].map((i) => ra.inbound.receive(mail(`A${i}`))),
        ...[1, 2, 3].map((i) => rb.inbound.receive(mail(`B${i}`))),
      ]);
      expect(new Set(results.map((r) => r.customerId)).size).toBe(1);
      expect(new Set(results.map((r) => r.conversationId)).size).toBe(1);
      expect(results.filter((r) => r.newConversation)).toHaveLength(1);
    } finally {
      await ra.close();
      await rb.close();
      await a.dispose();
      await b.dispose();
    }
  });

  it('gives a visitor on relay two the reply committed on relay one, read from the log', async () => {
    const url = await server.createDatabase();
    const [a, b] = [await relayOn(url), await relayOn(url)];
    const w = await chatWorld(a, now);
    const secret = randomBytes(32);
    const dataDir = tempDataDir();
    const [ra, rb] = [
      await startChatRelay(a, { now, clock: w.clock, secret, dataDir }),
      await startChatRelay(b, { now, clock: w.clock, secret, dataDir }),
    ];
    try {
      // The session starts on relay one; the widget's socket lands on relay two.
      const token = await session(ra, { inboxId: w.chatInbox, name: 'Mei' });
      const v = await visit(rb, token);
      v.send({ t: 'message', text: 'Hello from the shop', clientId: 'c1' });
      const mine = await v.next('message', (f) => f['clientId'] === 'c1');
      const conversationId = (await b.store.get('message', (mine['message'] as { id: string }).id))!.convId!;
      const cursor = await b.store.head();
      await agentReply(a.store, conversationId, 'Ana, on relay one', now);
      // Relay two follows the others' commits as its fan-in does: the log after its cursor.
      const { commit } = await createPgLogReads(b.pg.pool).logAfter(cursor, 100);
      rb.webchat.onChanges(commit!.changes);
      const reply = await v.next(
        'message',
        (f) => (f['message'] as { body: string }).body === 'Ana, on relay one',
      );
      expect(reply['message']).toMatchObject({ direction: 'out' });
      v.ws.close();
    } finally {
      await ra.close();
      await rb.close();
      await a.dispose();
      await b.dispose();
    }
  });

  it('does not mark a visitor gone on one relay while they are on the other; marks them once gone from both', async () => {
    const url = await server.createDatabase();
    const [a, b] = [await relayOn(url), await relayOn(url)];
    const w = await chatWorld(a, now);
    const secret = randomBytes(32);
    const dataDir = tempDataDir();
    const visitorGoneMs = 300;
    const [ra, rb] = [
      await startChatRelay(a, { now, clock: w.clock, secret, dataDir, visitorGoneMs }),
      await startChatRelay(b, { now, clock: w.clock, secret, dataDir, visitorGoneMs }),
    ];
    try {
      const token = await session(ra, { inboxId: w.chatInbox });
      const first = await visit(ra, token);
      first.send({ t: 'message', text: 'Hi', clientId: 'c1' });
      const mine = await first.next('message', (f) => f['clientId'] === 'c1');
      const conversationId = (await a.store.get('message', (mine['message'] as { id: string }).id))!.convId!;
      // The page reconnects, to relay two this time, and stays.
      first.ws.close();
      await first.closed;
      const second = await visit(rb, token);
      await second.next(
        'message',
        (f) => (f['message'] as { id: string }).id === (mine['message'] as { id: string }).id,
      );
      // Well past relay one's grace for its closed socket: still there.
      await new Promise((r) => setTimeout(r, visitorGoneMs * 4));
      expect((await a.store.get('conversation', conversationId))?.data['visitorLeftAt'] ?? null).toBeNull();
      second.ws.close();
      await until(
        async () => (await a.store.get('conversation', conversationId))?.data['visitorLeftAt'],
        'the visitor marked as left',
      );
    } finally {
      await ra.close();
      await rb.close();
      await a.dispose();
      await b.dispose();
    }
  });
});
