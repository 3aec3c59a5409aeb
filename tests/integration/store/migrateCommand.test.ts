// `relay migrate` as an operator runs it before starting (or upgrading) relays: it applies the
// PostgreSQL (or SQLite) migrations and exits, and running it again changes nothing.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_MIGRATIONS } from '../../../src/relay/data/postgres/migrations';
import { MIGRATIONS } from '../../../src/relay/data/migrations';
import { freePort } from '../../support/mail';
import { postgresMissing, startPostgres, type RunningPostgres } from '../../support/postgres';
import { runRelayCli } from '../../support/relayProcess';

const missing = postgresMissing();
if (missing) console.warn(`relay migrate (PostgreSQL) tests skipped: ${missing}`);

describe('relay migrate (SQLite)', () => {
  it('migrates the data directory, or the file --store sqlite: names, and exits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-migrate-'));
    const newest = MIGRATIONS.at(-1)!.version;
    const a = await runRelayCli(['migrate', '--data', dir]);
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    expect(a.stdout).toContain(
      `migrated the sqlite store at ${join(dir, 'relay.db')}: schema version ${newest}`,
    );
    const file = join(dir, 'elsewhere', 'store.db');
    const b = await runRelayCli(['migrate', '--data', dir, '--store', `sqlite:${file}`]);
    expect(b.code).toBe(0);
    expect(b.stdout).toContain(`at ${file}: schema version ${newest}`);
    // The file --store names is enough: no --data needed.
    const lone = join(dir, 'lone', 'relay.db');
    const c = await runRelayCli(['migrate', '--store', `sqlite:${lone}`]);
    expect(c.stderr).toBe('');
    expect(c.code).toBe(0);
    expect(c.stdout).toContain(`at ${lone}: schema version ${newest}`);
  });

  it('asks for --data when neither it nor --store says where the store is', async () => {
    const r = await runRelayCli(['migrate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--data');
  });

  it('refuses a --store it cannot read, saying what fits', async () => {
    const r = await runRelayCli(['migrate', '--store', 'mysql://root:hunter2@db/x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--store must be sqlite:PATH or postgres://');
    expect(r.stderr).not.toContain('hunter2');
  });
});

describe.skipIf(missing !== null)('relay migrate (PostgreSQL)', () => {
  let server: RunningPostgres;
  beforeAll(async () => {
    server = await startPostgres({ maxConnections: 20 });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('applies the PostgreSQL migrations once; a second run is a no-op', async () => {
    const url = await server.createDatabase();
    const newest = PG_MIGRATIONS.at(-1)!.version;
    for (let run = 0; run < 2; run++) {
      const r = await runRelayCli(['migrate', '--store', url]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`migrated the postgres store`);
      expect(r.stdout).toContain(`schema version ${newest}`);
    }
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    try {
      const applied = await pool.query<{ version: number }>(
        'SELECT version FROM schema_migrations ORDER BY version',
      );
      expect(applied.rows.map((x) => x.version)).toEqual(PG_MIGRATIONS.map((m) => m.version));
      expect((await pool.query('SELECT seq FROM log_head')).rows).toEqual([{ seq: '0' }]);
    } finally {
      await pool.end();
    }
  });

  it('serve on PostgreSQL is refused whole with a sentence that says why (not half served)', async () => {
    const url = await server.createDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'sb-migrate-'));
    const r = await runRelayCli(['serve', '--data', dir, '--port', '0', '--store', url]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Serving on PostgreSQL (--store postgres://) is not available yet');
  });

  it('says which server it could not reach, without the password', async () => {
    const port = await freePort();
    const r = await runRelayCli([
      'migrate',
      '--store',
      `postgres://sb:s3cret-pw@127.0.0.1:${port}/switchboard`,
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`127.0.0.1:${port}`);
    expect(r.stderr).not.toContain('s3cret-pw');
  });
});
