import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ROLES, type Role } from '../shared/sync/entities';
import { createAdmin } from './identity/admin';
import { parseEvapiAddress } from './voice';
import { webchatOptionsSchema, type WebchatOptions } from './channels/webchat/webchat';
import { emailOptionsSchema, type EmailOptions } from './channels/email/email';
import { webhookOptionsSchema, type WebhookOptions } from './channels/api/webhook';
import { isLoopbackHost } from '../shared/relayUrl';
import { RelayError } from './core/errors';
import { parseStoreOption, RelayOptionsError, type RelayOptions, type StoreLocation } from './options';
import { MigrateError, migrateStore } from './data/migrateStore';
import { seedDemoData } from './demo/seed';
import { startRelay } from './server';

const USAGE = `Switchboard relay

Usage:
  relay [serve] --data <dir> [--store sqlite:PATH | --store postgres://user:pass@host:5432/db] [--port 8787] [--host 127.0.0.1] [--tls-cert file --tls-key file] [--webchat file.json] [--mail-options file.json] [--webhook-options file.json]
        [--insecure-http] [--metrics-token <token>] [--kamailio-evapi 127.0.0.1:8448]
        Off loopback the relay serves only HTTPS/WSS (--tls-cert/--tls-key); --insecure-http allows
        plain HTTP there anyway (behind a TLS proxy on a trusted network) and logs a warning.
        /metrics needs "Authorization: Bearer <token>": the metrics token (--metrics-token or
        RELAY_METRICS_TOKEN, 16+ characters) or an admin's access token.
        [--http-rate-limit 200/2000] [--auth-rate-limit 10/200]: requests per second / burst per
        source address (all HTTP, and sign-ins and refreshes); over it, 429 with Retry-After.
        --store: where records and the log live; default sqlite:<data>/relay.db. (PostgreSQL is
        accepted by "migrate" only for now: serving on it is not wired yet.)
  relay migrate --store postgres://… | --data <dir> [--store sqlite:PATH]
        Applies pending database migrations and exits (safe to repeat, and beside running relays).
  relay admin create --data <dir> --email <e> --password <p> --name <n> [--role admin|supervisor|agent]
        (the password may come from RELAY_ADMIN_PASSWORD instead)
  relay seed --data <dir> [--customers 200] [--conversations 500] [--password <demo password>] [--seed <n>]
        [--now <ISO time>]: the data's clock (history before it, SLAs due after it) and fixed ids,
        for identical data on every run (visual tests); default: the wall clock, random ids
  relay --help
`;

const out = (s: string) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);

class UsageError extends Error {}

function isoTime(v: string, name: string): number {
  const t = Date.parse(v);
  if (!/^\d{4}-\d\d-\d\dT/.test(v) || Number.isNaN(t))
    throw new UsageError(`--${name} must be an ISO time such as 2036-01-15T09:30:00Z, not "${v}"`);
  return t;
}

function int(v: string | undefined, name: string, dflt: number, min = 0): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`--${name} must be a whole number of at least ${min}, not "${v}".`);
  return n;
}

/** `--kamailio-evapi host:port`, checked before the relay starts. */
function evapiAddress(v: string): string {
  try {
    parseEvapiAddress(v);
  } catch (err) {
    throw new UsageError(`--kamailio-evapi: ${(err as Error).message}`);
  }
  return v;
}

/** `<perSecond>/<burst>`, e.g. `200/2000`. */
function rate(v: string, name: string): { perSecond: number; burst: number } {
  const m = /^(\d+(?:\.\d+)?)\/(\d+)$/.exec(v);
  const perSecond = Number(m?.[1]);
  const burst = Number(m?.[2]);
  if (!m || !(perSecond > 0) || !(burst >= 1))
    throw new UsageError(`--${name} is <per second>/<burst> such as 200/2000, not "${v}".`);
  return { perSecond, burst };
}

function need(v: string | undefined, name: string): string {
  if (!v) throw new UsageError(`--${name} is required.`);
  return v;
}

/** Reads and checks the web chat settings file (origin allow-lists, identity secrets, limits). */
function readWebchatOptions(file: string): WebchatOptions {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--webchat ${file}: ${(err as Error).message}`);
  }
  const p = webchatOptionsSchema.safeParse(json);
  if (!p.success) {
    const i = p.error.issues[0];
    throw new UsageError(`--webchat ${file}: ${i?.path.join('.') || 'file'}: ${i?.message ?? 'invalid'}`);
  }
  return p.data as WebchatOptions;
}

/** Reads and checks the email channel's limits file (polling, retries, the own-copy window). */
function readEmailOptions(file: string): EmailOptions {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--mail-options ${file}: ${(err as Error).message}`);
  }
  const p = emailOptionsSchema.safeParse(json);
  if (!p.success) {
    const i = p.error.issues[0];
    throw new UsageError(
      `--mail-options ${file}: ${i?.path.join('.') || 'file'}: ${i?.message ?? 'invalid'}`,
    );
  }
  return p.data as EmailOptions;
}

/** Reads and checks the API webhook's limits file (retries, timeouts). */
function readWebhookOptions(file: string): WebhookOptions {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--webhook-options ${file}: ${(err as Error).message}`);
  }
  const p = webhookOptionsSchema.safeParse(json);
  if (!p.success) {
    const i = p.error.issues[0];
    throw new UsageError(
      `--webhook-options ${file}: ${i?.path.join('.') || 'file'}: ${i?.message ?? 'invalid'}`,
    );
  }
  return p.data as WebhookOptions;
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommandLine(argv);
  if (values.help) return void out(USAGE);
  const [command = 'serve', sub] = positionals;
  if (command === 'migrate') return migrateCommand(values);
  const dataDir = resolve(need(values.data, 'data'));
  const store = parseStoreOption(values.store, dataDir);
  const dbFile = store.kind === 'sqlite' ? store.file : undefined;
  if (store.kind === 'postgres' && command !== 'serve')
    throw new UsageError(`"${command}" works on a SQLite store only for now; leave out --store postgres://.`);
  if (command === 'serve') return serveCommand(values, dataDir, store);
  if (command === 'admin') return adminCommand(values, sub, dataDir, dbFile);
  if (command === 'seed') return seedCommand(values, dataDir, dbFile);
  throw new UsageError(`Unknown command "${command}". Run with --help.`);
}

/** Every option of every command (each command reads the ones it needs). */
const CLI_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  data: { type: 'string' },
  store: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  webchat: { type: 'string' },
  'mail-options': { type: 'string' },
  'webhook-options': { type: 'string' },
  'insecure-http': { type: 'boolean' },
  'metrics-token': { type: 'string' },
  'kamailio-evapi': { type: 'string' },
  'http-rate-limit': { type: 'string' },
  'auth-rate-limit': { type: 'string' },
  email: { type: 'string' },
  password: { type: 'string' },
  name: { type: 'string' },
  role: { type: 'string' },
  customers: { type: 'string' },
  conversations: { type: 'string' },
  seed: { type: 'string' },
  now: { type: 'string' },
} as const;

function parseCommandLine(argv: string[]) {
  return parseArgs({ args: argv, allowPositionals: true, strict: true, options: CLI_OPTIONS });
}

type CliValues = ReturnType<typeof parseCommandLine>['values'];

/** `relay migrate`: applies pending migrations to the store and exits. */
async function migrateCommand(values: CliValues): Promise<void> {
  // Only SQLite's default file (no --store) needs --data; a store given names its own place.
  const dir = values.store ? resolve(values.data ?? '.') : resolve(need(values.data, 'data'));
  const location = parseStoreOption(values.store, dir);
  const home = location.kind === 'sqlite' && values.data === undefined ? dirname(location.file) : dir;
  const r = await migrateStore(location, home);
  return void out(`migrated the ${r.kind} store at ${r.where}: schema version ${r.version}`);
}

/** `relay serve`: starts the relay and stops it on SIGINT or SIGTERM. */
async function serveCommand(values: CliValues, dataDir: string, store: StoreLocation): Promise<void> {
  if (!!values['tls-cert'] !== !!values['tls-key'])
    throw new UsageError('--tls-cert and --tls-key go together.');
  const tls = values['tls-cert']
    ? { cert: readFileSync(values['tls-cert']), key: readFileSync(values['tls-key']!) }
    : undefined;
  const relay = await startRelay(relayOptions(values, dataDir, store, tls));
  out(`relay listening on ${relay.url} (sync ${relay.wsUrl}), data in ${dataDir}`);
  if (!tls && !isLoopbackHost(values.host ?? '127.0.0.1'))
    process.stderr.write(
      'relay: WARNING: serving plain HTTP off loopback (--insecure-http): passwords and customer data are not encrypted on the wire.\n',
    );
  const stop = () => void relay.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** The relay's options from the command line, its files read and checked. */
function relayOptions(
  values: CliValues,
  dataDir: string,
  store: StoreLocation,
  tls: { cert: Buffer; key: Buffer } | undefined,
): RelayOptions {
  const metricsToken = values['metrics-token'] ?? process.env['RELAY_METRICS_TOKEN'];
  return {
    dataDir,
    store,
    host: values.host ?? '127.0.0.1',
    port: int(values.port, 'port', 8787),
    ...(tls ? { tls } : {}),
    ...(values['insecure-http'] ? { insecureHttp: true } : {}),
    ...(metricsToken ? { metricsToken } : {}),
    ...(values['http-rate-limit']
      ? { httpRateLimit: rate(values['http-rate-limit'], 'http-rate-limit') }
      : {}),
    ...(values['auth-rate-limit']
      ? { authRateLimit: rate(values['auth-rate-limit'], 'auth-rate-limit') }
      : {}),
    ...(values.webchat ? { webchat: readWebchatOptions(values.webchat) } : {}),
    ...(values['mail-options'] ? { email: readEmailOptions(values['mail-options']) } : {}),
    ...(values['webhook-options'] ? { webhook: readWebhookOptions(values['webhook-options']) } : {}),
    ...(values['kamailio-evapi'] ? { voice: { kamailioEvapi: evapiAddress(values['kamailio-evapi']) } } : {}),
  };
}

/** `relay admin create`: makes an account (an admin by default) in a SQLite store. */
async function adminCommand(
  values: CliValues,
  sub: string | undefined,
  dataDir: string,
  dbFile: string | undefined,
): Promise<void> {
  if (sub !== 'create') throw new UsageError(`Unknown admin command "${sub ?? ''}"; try "admin create".`);
  const role = (values.role ?? 'admin') as Role;
  if (!ROLES.includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}.`);
  const password = values.password ?? process.env['RELAY_ADMIN_PASSWORD'];
  if (!password) throw new UsageError('--password (or RELAY_ADMIN_PASSWORD) is required.');
  const agent = await createAdmin({
    dataDir,
    email: need(values.email, 'email'),
    password,
    name: need(values.name, 'name'),
    role,
    ...(dbFile ? { dbFile } : {}),
  });
  return void out(`created ${agent.role} ${agent.email} (${agent.id})`);
}

/** `relay seed`: fills a SQLite store with demo data and prints the demo accounts. */
async function seedCommand(values: CliValues, dataDir: string, dbFile: string | undefined): Promise<void> {
  const s = await seedDemoData({
    dataDir,
    ...(dbFile ? { dbFile } : {}),
    customers: int(values.customers, 'customers', 200),
    conversations: int(values.conversations, 'conversations', 500),
    ...(values.password ? { demoPassword: values.password } : {}),
    ...(values.seed ? { seed: int(values.seed, 'seed', 0) } : {}),
    ...(values.now ? { now: isoTime(values.now, 'now') } : {}),
  });
  out(
    `seeded ${s.customers} customers, ${s.conversations} conversations, ${s.messages} messages in ${(s.ms / 1000).toFixed(1)} s`,
  );
  out(`teams: ${s.teams.join(', ')}`);
  for (const a of s.agents)
    out(
      `  ${a.role.padEnd(10)} ${a.email.padEnd(30)} ${a.password === null ? '(existed; password unchanged)' : `password: ${a.password}`}`,
    );
}

// Everything the relay writes (database, keys, logs, recordings) is for its own user only.
process.umask(0o077);
main(process.argv.slice(2)).catch((err: unknown) => {
  const known =
    err instanceof UsageError ||
    err instanceof RelayError ||
    err instanceof RelayOptionsError ||
    err instanceof MigrateError ||
    (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  process.stderr.write(`relay: ${err instanceof Error ? err.message : String(err)}\n`);
  if (!known) process.stderr.write('(see the relay log in <data>/logs/relay.log for details)\n');
  process.exit(known ? 2 : 1);
});
