// A real PostgreSQL from Debian for the relay's PostgreSQL store: one throwaway cluster per test
// file, initdb'd in a temp dir owned by the postgres user (PostgreSQL refuses to run as root, so
// every server command goes through `runuser -u postgres --`), listening on 127.0.0.1 and a free
// port with its unix socket inside the temp dir, fsync off (nothing here must survive a crash).
// Each test takes a database of its own from createDatabase().
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './mail';

const PG_BIN = process.env.SWITCHBOARD_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const RUNUSER = '/usr/sbin/runuser';

/** Why PostgreSQL cannot run here (a reason to print and skip), or null. */
export function postgresMissing(): string | null {
  for (const b of ['initdb', 'pg_ctl', 'postgres'])
    if (!existsSync(join(PG_BIN, b)))
      return `PostgreSQL is not installed (${join(PG_BIN, b)} is missing; apt-get install postgresql)`;
  if (process.getuid?.() === 0) {
    if (!existsSync(RUNUSER)) return 'runuser is missing (needed to start PostgreSQL as its own user)';
    if (spawnSync('id', ['-u', 'postgres']).status !== 0)
      return 'there is no postgres user to run the server';
  }
  return null;
}

export type RunningPostgres = {
  dir: string;
  port: number;
  /** A connection string for the cluster's `postgres` database (superuser, trust auth). */
  adminUrl: string;
  /** Creates an empty database with a fresh name and returns its connection string. */
  createDatabase(): Promise<string>;
  /** Stops the server (immediate) and removes the cluster's directory. */
  stop(): Promise<void>;
};

/** Runs a PostgreSQL binary as the postgres user when we are root, else as ourselves. */
function asPostgres(bin: string, args: string[]) {
  const cmd = join(PG_BIN, bin);
  const r =
    process.getuid?.() === 0
      ? spawnSync(RUNUSER, ['-u', 'postgres', '--', cmd, ...args], { encoding: 'utf8' })
      : spawnSync(cmd, args, { encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

function ownerOf(name: string): { uid: number; gid: number } {
  const u = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
}

const CONCURRENT_QUERY = 'Calling client.query() when the client is already executing a query';
let guarded = false;

/**
 * Turns node-postgres's deprecation warning for a query started while its connection is still
 * running another (a transaction's `Promise.all` that reached pg's own queue, which pg@9 removes)
 * into an error the test run fails on, with the stack of the query that started. pg warns once per
 * process, so the first such query is the one named. Installed once per process, under Vitest only
 * (benches start PostgreSQL through here too).
 */
function failOnConcurrentQueries() {
  if (guarded || !process.env['VITEST']) return;
  guarded = true;
  process.on('warning', (w) => {
    if (w.name !== 'DeprecationWarning' || !w.message.startsWith(CONCURRENT_QUERY)) return;
    const err = new Error(
      `A query started while its PostgreSQL connection was running another: ${w.message}`,
    );
    err.stack = `${err.name}: ${err.message}\n${w.stack?.split('\n').slice(1).join('\n') ?? ''}`;
    throw err;
  });
}

/**
 * Starts a throwaway PostgreSQL cluster on 127.0.0.1 (options: maxConnections=300).
 * Throws with the server's log when it does not come up.
 */
export async function startPostgres(opts: { maxConnections?: number } = {}): Promise<RunningPostgres> {
  const missing = postgresMissing();
  if (missing) throw new Error(missing);
  failOnConcurrentQueries();
  const dir = mkdtempSync(join(tmpdir(), 'sb-pg-'));
  if (process.getuid?.() === 0) {
    const o = ownerOf('postgres');
    chownSync(dir, o.uid, o.gid);
  }
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  const init = asPostgres('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '--encoding=UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  if (!init.ok) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${init.out}`);
  }
  const port = await freePort();
  const serverOpts = [
    `-c listen_addresses=127.0.0.1`,
    `-c port=${port}`,
    `-c unix_socket_directories=${dir}`,
    `-c fsync=off`,
    `-c synchronous_commit=off`,
    `-c full_page_writes=off`,
    `-c max_connections=${opts.maxConnections ?? 300}`,
  ].join(' ');
  const start = asPostgres('pg_ctl', ['start', '-w', '-t', '60', '-D', data, '-l', log, '-o', serverOpts]);
  if (!start.ok) {
    const serverLog = existsSync(log) ? readFileSync(log, 'utf8') : '';
    asPostgres('pg_ctl', ['stop', '-m', 'immediate', '-D', data]);
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`PostgreSQL did not start: ${start.out}\n${serverLog}`);
  }
  const url = (db: string) => `postgres://postgres@127.0.0.1:${port}/${db}`;
  let made = 0;
  let stopped = false;
  return {
    dir,
    port,
    adminUrl: url('postgres'),
    async createDatabase() {
      const name = `sb_test_${process.pid}_${++made}`;
      const c = new pg.Client({ connectionString: url('postgres') });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE ${name}`);
      } finally {
        await c.end();
      }
      return url(name);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      asPostgres('pg_ctl', ['stop', '-m', 'immediate', '-w', '-D', data]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
