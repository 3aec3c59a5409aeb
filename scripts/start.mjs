// `npm start`: builds, starts an embedded relay with demo data, then launches the Electron app
// signed in as the demo agent; where no Electron runtime is installed, says so in one line and
// runs the browser host instead, which prints the URL to open.
//
//   npm start -- [--no-demo] [--browser] [--data DIR] [--relay-port N] [--customers N]
//                [--conversations N] [--sip-port N] [--no-phone] [--no-build] [app options…]
//
// --no-demo skips the embedded relay (sign in to your own relay in the app); --browser runs the
// browser host even where Electron exists; --data is the demo's folder (default .switchboard-data
// or SWITCHBOARD_DATA_ROOT); --relay-port 0 picks a free port (default 8787 or
// SWITCHBOARD_RELAY_PORT); --customers/--conversations size the first seeding (2000/5000);
// --no-build uses the existing dist/. Anything else goes to the app (e.g. the host's --port 0).
//
// Where Kamailio is installed, the demo also gets a phone: the embedded PBX (scripts/embeddedPbx.mjs,
// deploy/kamailio/switchboard.cfg with call queues) on ws://127.0.0.1:<--sip-port, default 5066 or
// SWITCHBOARD_SIP_PORT; 0 picks a free one>, the relay routing its queue `support`, and a SIP account
// for each demo user handed to the app (SWITCHBOARD_DEMO_PHONE_ACCOUNTS), which keeps the password
// in the keychain and connects the phone at launch. --no-phone leaves it out. Without Kamailio the
// app's Phone place says what to install (SWITCHBOARD_DEMO_PBX_MISSING).
//
// Stopping: SIGINT, SIGTERM or SIGHUP is forwarded to every process group this script started
// (build, seed, relay, PBX, app, and the private D-Bus session with its gnome-keyring daemon), and the
// script exits once all of them are gone: nothing outlives `npm start`.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { findElectron } from './electronRuntime.mjs';
import { createProcessGroups } from './processGroups.mjs';
import { keychainCommand } from './privateKeychain.mjs';
import { PBX_PACKAGES, pbxMissing, startEmbeddedPbx, writePhoneAccounts } from './embeddedPbx.mjs';

const DEMO_PASSWORD = 'switchboard-demo';
const DEMO_AGENT = 'agent@demo.switchboard';

/** Splits our own options from the ones passed on to the app. */
function parseArgs(argv) {
  const o = {
    demo: true,
    build: true,
    browser: false,
    dataRoot: process.env.SWITCHBOARD_DATA_ROOT ?? '.switchboard-data',
    relayPort: process.env.SWITCHBOARD_RELAY_PORT ?? '8787',
    sipPort: process.env.SWITCHBOARD_SIP_PORT ?? '5066',
    phone: true,
    customers: '2000',
    conversations: '5000',
    appArgs: [],
  };
  const valued = {
    '--data': 'dataRoot',
    '--relay-port': 'relayPort',
    '--sip-port': 'sipPort',
    '--customers': 'customers',
    '--conversations': 'conversations',
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--no-demo') o.demo = false;
    else if (a === '--no-build') o.build = false;
    else if (a === '--no-phone') o.phone = false;
    else if (a === '--browser') o.browser = true;
    else if (a in valued) {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) {
        console.error(`start: ${a} needs a value.`);
        process.exit(2);
      }
      o[valued[a]] = v;
    } else o.appArgs.push(a);
  }
  return o;
}

/**
 * Starts the embedded PBX for the demo's phone queue and writes the demo users' SIP accounts;
 * returns null where it cannot run, saying why (and, where Kamailio is not installed, telling the
 * app in SWITCHBOARD_DEMO_PBX_MISSING, so its Phone place says what to install).
 */
async function startPhone(root, relayData) {
  const noPhone = (reason, hint) => {
    console.log(`No phone in this demo: ${reason}. ${hint}`);
    return null;
  };
  const missing = pbxMissing();
  const install = `Install it with "sudo apt-get install ${PBX_PACKAGES}" (or "bash scripts/setup.sh") and run npm start again.`;
  if (missing) {
    env.SWITCHBOARD_DEMO_PBX_MISSING = missing.package;
    return noPhone(missing.reason, install);
  }
  let demo = null;
  try {
    demo = JSON.parse(readFileSync(resolve(relayData, 'demo.json'), 'utf8')).phone ?? null;
  } catch {
    // no demo.json: seeded before the demo page existed
  }
  if (!demo)
    return noPhone(
      'this demo data was seeded before the demo had a phone',
      `Delete ${relayData} to seed it again.`,
    );
  const dir = resolve(root, 'pbx');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const sipPort = Number(opts.sipPort);
  if (!Number.isInteger(sipPort) || sipPort < 0 || sipPort > 65535) {
    console.error(`start: --sip-port must be a port number (0 picks a free one), not "${opts.sipPort}".`);
    process.exit(2);
  }
  try {
    const pbx = await startEmbeddedPbx({ dir, sipPort, spawnChild: (c, a, o) => groups.spawn(c, a, o) });
    const accountsFile = resolve(dir, 'phone-accounts.json');
    writePhoneAccounts(accountsFile, pbx, demo.sipUsers);
    return { ...pbx, accountsFile, queue: demo.queue };
  } catch (err) {
    return noPhone(`the embedded PBX did not start: ${err.message}`, `Its files are in ${dir}.`);
  }
}

const opts = parseArgs(process.argv.slice(2));
const dataRoot = resolve(opts.dataRoot);
// Everything the workstation writes (demo database, keys, cache, keyring) is for this user only;
// the children inherit the umask.
process.umask(0o077);
mkdirSync(dataRoot, { recursive: true, mode: 0o700 });

const groups = createProcessGroups({
  graceMs: Number(process.env.SWITCHBOARD_STOP_GRACE_MS ?? 10_000),
  onStopped: (code) => process.exit(code),
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => groups.stop(0));

/** Runs a step to its end; a failed step stops everything with its exit code. */
async function step(cmd, args) {
  const child = groups.spawn(cmd, args, { stdio: 'inherit' });
  const code = await new Promise((r) => child.once('exit', (c, s) => r(c ?? (s ? 1 : 0))));
  if (code !== 0) await groups.stop(code);
  return !groups.stopping;
}

if (opts.build && !(await step(process.execPath, ['scripts/build.mjs']))) await groups.done;

const env = { ...process.env };
if (opts.demo) {
  const relayData = resolve(dataRoot, 'relay');
  mkdirSync(relayData, { recursive: true, mode: 0o700 });
  if (!existsSync(resolve(relayData, '.seeded'))) {
    console.log('Seeding the embedded relay with demo data…');
    const seeded = await step(process.execPath, [
      'dist/relay/relay.cjs',
      'seed',
      '--data',
      relayData,
      '--customers',
      opts.customers,
      '--conversations',
      opts.conversations,
      '--password',
      DEMO_PASSWORD,
    ]);
    if (!seeded) await groups.done;
    writeFileSync(resolve(relayData, '.seeded'), new Date().toISOString());
  }
  const pbx = opts.phone ? await startPhone(dataRoot, relayData) : null;
  if (groups.stopping) await groups.done;
  const relay = groups.spawn(
    process.execPath,
    [
      'dist/relay/relay.cjs',
      'serve',
      '--data',
      relayData,
      '--port',
      opts.relayPort,
      ...(pbx ? ['--kamailio-evapi', pbx.evapi] : []),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const relayUrl = await new Promise((ok, fail) => {
    let out = '';
    relay.stdout.on('data', (b) => {
      out += b;
      const m = /relay listening on (\S+)/.exec(out);
      if (m) ok(m[1]);
    });
    relay.once('exit', (code) =>
      fail(
        new Error(
          `the embedded relay exited with ${code}; is port ${opts.relayPort} free? Use --relay-port (0 picks a free one).`,
        ),
      ),
    );
  }).catch((err) => {
    if (!groups.stopping) console.error(err.message);
    return groups.stop(1).then(() => groups.done);
  });
  relay.stdout.resume();
  Object.assign(env, {
    SWITCHBOARD_RELAY_URL: relayUrl,
    SWITCHBOARD_LOGIN_EMAIL: DEMO_AGENT,
    SWITCHBOARD_LOGIN_PASSWORD: DEMO_PASSWORD,
  });
  console.log(`Embedded relay: ${relayUrl} (data in ${relayData})`);
  // Data seeded before the demo page existed has no demo.json: delete the folder to get one.
  if (existsSync(resolve(relayData, 'demo.json')))
    console.log(`Demo web page with the chat widget (talk to yourself as a customer): ${relayUrl}/demo`);
  console.log(
    `Demo accounts (password "${DEMO_PASSWORD}"): ${DEMO_AGENT}, agent2@demo.switchboard, supervisor@demo.switchboard, admin@demo.switchboard`,
  );
  if (pbx) {
    env.SWITCHBOARD_DEMO_PHONE_ACCOUNTS = pbx.accountsFile;
    console.log(
      `Embedded PBX (Kamailio): ${pbx.wsUrl}, queue sip:${pbx.queue}@${pbx.domain} (log in ${pbx.logFile}). ` +
        `Set yourself Available, then call in as a customer: npm run demo:call -- --to ${pbx.queue} --from +8613800000000`,
    );
  }
}

// The private keyring lives beside the demo data, apart from any keyring of the user's.
if (!process.env.DBUS_SESSION_BUS_ADDRESS) env.XDG_DATA_HOME = resolve(dataRoot, 'keyring-home');
env.SWITCHBOARD_KEYRING_PASSWORD ??= DEMO_PASSWORD;
// Where no keychain can be had at all, the demo protects its cache with this passphrase.
if (opts.demo) env.SWITCHBOARD_CACHE_PASSPHRASE ??= `${DEMO_PASSWORD}-cache`;

if (groups.stopping) await groups.done;
const electron = opts.browser ? { missing: '--browser was given' } : findElectron();
let app;
if ('path' in electron) {
  const [cmd, cmdArgs] = keychainCommand(electron.path, ['.', ...opts.appArgs]);
  app = groups.spawn(cmd, cmdArgs, {
    stdio: 'inherit',
    env: { ...env, SWITCHBOARD_USER_DATA: env.SWITCHBOARD_USER_DATA ?? resolve(dataRoot, 'app') },
  });
} else {
  console.log(`No Electron runtime here (${electron.missing}); starting the browser host instead.`);
  const hostArgs = ['dist/host/browserHost.cjs', '--data', resolve(dataRoot, 'host'), ...opts.appArgs];
  const [cmd, cmdArgs] = keychainCommand(process.execPath, hostArgs);
  app = groups.spawn(cmd, cmdArgs, { stdio: 'inherit', env });
}
// The app ending on its own (window closed) ends the workstation: the relay and keyring go too.
app.once('exit', (code) => void groups.stop(code ?? 0));
