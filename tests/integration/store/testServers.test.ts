import { connect, StringCodec } from 'nats';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natsMissing, startNats, type RunningNats } from '../../support/nats';
import { postgresMissing, startPostgres, type RunningPostgres } from '../../support/postgres';

const pgMissing = postgresMissing();
if (pgMissing) console.warn(`PostgreSQL test server tests skipped: ${pgMissing}`);
const nMissing = natsMissing();
if (nMissing) console.warn(`nats-server test server tests skipped: ${nMissing}`);

describe.skipIf(pgMissing !== null)('tests/support/postgres', () => {
  let server: RunningPostgres;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('gives each test its own empty database that keeps what is written to it', async () => {
    const a = await server.createDatabase();
    const b = await server.createDatabase();
    expect(a).not.toBe(b);
    const ca = new pg.Client({ connectionString: a });
    const cb = new pg.Client({ connectionString: b });
    await ca.connect();
    await cb.connect();
    try {
      await ca.query('CREATE TABLE t (v text)');
      await ca.query("INSERT INTO t VALUES ('kept')");
      expect((await ca.query<{ v: string }>('SELECT v FROM t')).rows).toEqual([{ v: 'kept' }]);
      const other = await cb.query(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 't'`);
      expect(other.rows[0]).toEqual({ n: 0 });
      const max = await ca.query<{ max_connections: string }>('SHOW max_connections');
      expect(Number(max.rows[0]?.max_connections)).toBeGreaterThanOrEqual(300);
    } finally {
      await ca.end();
      await cb.end();
    }
  });
});

describe.skipIf(nMissing !== null)('tests/support/nats', () => {
  let server: RunningNats;
  beforeAll(async () => {
    server = await startNats();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('delivers a published message to a subscriber on another connection', async () => {
    const sc = StringCodec();
    const sub = await connect({ servers: server.url });
    const pub = await connect({ servers: server.url });
    try {
      const s = sub.subscribe('sb.test.hello', { max: 1 });
      await sub.flush();
      pub.publish('sb.test.hello', sc.encode('log 7'));
      const got: string[] = [];
      for await (const m of s) got.push(sc.decode(m.data));
      expect(got).toEqual(['log 7']);
    } finally {
      await pub.close();
      await sub.close();
    }
  });
});
