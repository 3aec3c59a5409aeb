// The demo's embedded PBX: Debian's Kamailio running deploy/kamailio/switchboard.cfg with call
// queues (WITH_QUEUES), rendered the way the tests render it (e2e/support/kamailio.ts), on
// loopback, in the demo's data folder. `npm start` runs it beside the embedded relay;
// `npm run demo:call` reads what it wrote (pbx.json) to place a customer's call into the queue.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';

export const KAMAILIO_BIN = process.env.KAMAILIO_BIN ?? '/usr/sbin/kamailio';
const MODULE_DIR = '/usr/lib/x86_64-linux-gnu/kamailio/modules';
/** The deployment config itself (relative to the repo, where npm runs scripts). */
export const PBX_CONFIG = 'deploy/kamailio/switchboard.cfg';
/** The SIP domain the demo's registrar serves (the config aliases it). */
export const PBX_DOMAIN = 'switchboard.test';
/** The packages the embedded PBX needs, as scripts/install-system-deps.sh installs them. */
export const PBX_PACKAGES =
  'kamailio kamailio-websocket-modules kamailio-extra-modules kamailio-json-modules';

/**
 * Why the embedded PBX cannot run here: the Debian package that is missing and a sentence saying
 * so, or null when it can run.
 */
export function pbxMissing() {
  if (!existsSync(KAMAILIO_BIN))
    return { package: 'kamailio', reason: `${KAMAILIO_BIN} is not installed (package kamailio)` };
  const modules = [
    ['websocket.so', 'kamailio-websocket-modules'],
    ['evapi.so', 'kamailio-extra-modules'],
    ['jansson.so', 'kamailio-json-modules'],
  ];
  for (const [file, pkg] of modules)
    if (!existsSync(join(MODULE_DIR, file)))
      return { package: pkg, reason: `Kamailio's ${file} is not installed (package ${pkg})` };
  return null;
}

/**
 * The config with this run's values in place of its placeholders, as the tests and the demo run it.
 * [tlsPort=0] [tlsCfg=''] [evapiPort=0: no queues]
 */
export function renderPbxConfig({ port, secret, tlsPort = 0, tlsCfg = '', evapiPort = 0 }) {
  return readFileSync(PBX_CONFIG, 'utf8')
    .replaceAll('__PORT__', String(port))
    .replaceAll('__TLS_PORT__', String(tlsPort))
    .replaceAll('__TLS_CFG__', tlsCfg)
    .replaceAll('__SECRET__', secret)
    .replaceAll('__EVAPI_PORT__', String(evapiPort));
}

/** The password Kamailio accepts for `user`: hex MD5 of "<user>:<secret>" (see switchboard.cfg). */
export const sipPassword = (user, secret) => createHash('md5').update(`${user}:${secret}`).digest('hex');

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const port = srv.address().port;
      srv.close(() => ok(port));
    });
  });
}

const canConnect = (port) =>
  new Promise((ok) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      ok(true);
    });
    s.once('error', () => ok(false));
  });

/**
 * Renders the config into `<dir>` (the secret kept in `<dir>/secret`, so saved SIP passwords stay
 * valid across restarts), checks it, and starts Kamailio in the foreground through `spawnChild`
 * (npm start's process groups, so it stops with npm start). Resolves once both its SIP (ws) and
 * evapi ports listen, or rejects with what went wrong and Kamailio's last words.
 * [sipPort=5066; 0 picks a free one] [waitMs=15000]
 */
export async function startEmbeddedPbx({ dir, sipPort = 5066, spawnChild = spawn, waitMs = 15_000 }) {
  mkdirSync(join(dir, 'run'), { recursive: true, mode: 0o700 });
  const secretFile = join(dir, 'secret');
  if (!existsSync(secretFile)) writeFileSync(secretFile, randomBytes(16).toString('hex'), { mode: 0o600 });
  const secret = readFileSync(secretFile, 'utf8').trim();
  const port = sipPort === 0 ? await freePort() : sipPort;
  if (await canConnect(port))
    throw new Error(`port ${port} is taken (another npm start?); use --sip-port (0 picks a free one)`);
  const evapiPort = await freePort();
  const cfg = join(dir, 'kamailio.cfg');
  writeFileSync(cfg, renderPbxConfig({ port, secret, evapiPort }), { mode: 0o600 });
  const defines = ['-A', 'WITH_QUEUES'];
  const check = spawnSync(KAMAILIO_BIN, ['-c', ...defines, '-f', cfg], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`its config check failed:\n${check.stderr.slice(-2000)}`);
  // Its log goes to a file beside the config (npm start's console stays readable).
  const logFile = join(dir, 'kamailio.log');
  const logFd = openSync(logFile, 'w', 0o600);
  const proc = spawnChild(
    KAMAILIO_BIN,
    ['-DD', '-E', '-Y', join(dir, 'run'), '-m', '64', '-M', '8', ...defines, '-f', cfg],
    { stdio: ['ignore', logFd, logFd] },
  );
  closeSync(logFd);
  const lastWords = () => readFileSync(logFile, 'utf8').slice(-2000);
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null)
      throw new Error(`Kamailio exited (${proc.exitCode ?? proc.signalCode}):\n${lastWords()}`);
    if ((await canConnect(port)) && (await canConnect(evapiPort))) break;
    if (Date.now() > deadline)
      throw new Error(`Kamailio did not listen within ${waitMs} ms:\n${lastWords()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const info = {
    wsUrl: `ws://127.0.0.1:${port}`,
    domain: PBX_DOMAIN,
    sipPort: port,
    evapi: `127.0.0.1:${evapiPort}`,
  };
  writeFileSync(join(dir, 'pbx.json'), JSON.stringify(info) + '\n', { mode: 0o600 });
  return { ...info, secret, proc, logFile, passwordFor: (user) => sipPassword(user, secret) };
}

/**
 * Writes the SIP accounts the app provisions for the demo users (`SWITCHBOARD_DEMO_PHONE_ACCOUNTS`):
 * email → { server, uri, authUser, displayName, password }. Owner-only, like the rest of the data.
 */
export function writePhoneAccounts(file, pbx, sipUsers) {
  const accounts = {};
  for (const [email, user] of Object.entries(sipUsers))
    accounts[email] = {
      server: pbx.wsUrl,
      uri: `sip:${user}@${pbx.domain}`,
      authUser: user,
      password: pbx.passwordFor(user),
    };
  writeFileSync(file, JSON.stringify(accounts, null, 2) + '\n', { mode: 0o600 });
}
