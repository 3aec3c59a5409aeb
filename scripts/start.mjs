// `npm start`: builds, starts an embedded relay with demo data, then launches the Electron app
// signed in as the demo agent; where no Electron runtime is installed, says so in one line and
// runs the browser host instead, which prints the URL to open.
// `npm start -- --no-demo` skips the embedded relay (sign in to your own relay in the app).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { findElectron } from './electronRuntime.mjs';

const args = process.argv.slice(2);
const demo = !args.includes('--no-demo');
const passArgs = args.filter((a) => a !== '--no-demo');
const dataRoot = resolve(process.env.SWITCHBOARD_DATA_ROOT ?? '.switchboard-data');
const relayPort = process.env.SWITCHBOARD_RELAY_PORT ?? '8787';
const DEMO_PASSWORD = 'switchboard-demo';
const DEMO_AGENT = 'agent@demo.switchboard';

const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const children = [];
const stopAll = (code) => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  process.exit(code);
};
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => stopAll(0));

const env = { ...process.env };
if (demo) {
  const relayData = resolve(dataRoot, 'relay');
  mkdirSync(relayData, { recursive: true });
  if (!existsSync(resolve(relayData, '.seeded'))) {
    console.log('Seeding the embedded relay with demo data…');
    const seed = spawnSync(
      process.execPath,
      [
        'dist/relay/relay.cjs',
        'seed',
        '--data',
        relayData,
        '--customers',
        '2000',
        '--conversations',
        '5000',
        '--password',
        DEMO_PASSWORD,
      ],
      { stdio: 'inherit' },
    );
    if (seed.status !== 0) stopAll(seed.status ?? 1);
    writeFileSync(resolve(relayData, '.seeded'), new Date().toISOString());
  }
  const relay = spawn(
    process.execPath,
    ['dist/relay/relay.cjs', 'serve', '--data', relayData, '--port', relayPort],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  children.push(relay);
  await new Promise((ok, fail) => {
    let out = '';
    relay.stdout.on('data', (b) => {
      out += b;
      if (out.includes('relay listening')) ok();
    });
    relay.once('exit', (code) =>
      fail(
        new Error(
          `the embedded relay exited with ${code}; is port ${relayPort} free? Set SWITCHBOARD_RELAY_PORT.`,
        ),
      ),
    );
  }).catch((err) => {
    console.error(err.message);
    stopAll(1);
  });
  relay.stdout.resume();
  Object.assign(env, {
    SWITCHBOARD_RELAY_URL: `http://127.0.0.1:${relayPort}`,
    SWITCHBOARD_LOGIN_EMAIL: DEMO_AGENT,
    SWITCHBOARD_LOGIN_PASSWORD: DEMO_PASSWORD,
  });
  console.log(`Embedded relay: http://127.0.0.1:${relayPort} (data in ${relayData})`);
  console.log(
    `Demo accounts (password "${DEMO_PASSWORD}"): ${DEMO_AGENT}, agent2@demo.switchboard, supervisor@demo.switchboard, admin@demo.switchboard`,
  );
}

// The cache key belongs in the OS keychain. A desktop session has one; a bare console or SSH
// session has no Secret Service, so start a private D-Bus session with gnome-keyring for the app.
const onPath = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
function withKeychain(cmd, cmdArgs) {
  if (
    process.env.DBUS_SESSION_BUS_ADDRESS ||
    !onPath('dbus-run-session') ||
    !onPath('gnome-keyring-daemon')
  ) {
    return [cmd, cmdArgs];
  }
  console.log('No desktop keychain session: starting gnome-keyring in a private D-Bus session for the app.');
  const script =
    'printf %s "$SWITCHBOARD_KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$@"';
  return ['dbus-run-session', ['--', 'sh', '-c', script, 'sh', cmd, ...cmdArgs]];
}
// The private keyring lives beside the demo data, apart from any keyring of the user's.
if (!process.env.DBUS_SESSION_BUS_ADDRESS) env.XDG_DATA_HOME = resolve(dataRoot, 'keyring-home');
env.SWITCHBOARD_KEYRING_PASSWORD ??= DEMO_PASSWORD;
// Where no keychain can be had at all, the demo protects its cache with this passphrase.
if (demo) env.SWITCHBOARD_CACHE_PASSPHRASE ??= `${DEMO_PASSWORD}-cache`;

const electron = findElectron();
let app;
if ('path' in electron) {
  const [cmd, cmdArgs] = withKeychain(electron.path, ['.', ...passArgs]);
  app = spawn(cmd, cmdArgs, {
    stdio: 'inherit',
    env: { ...env, SWITCHBOARD_USER_DATA: env.SWITCHBOARD_USER_DATA ?? resolve(dataRoot, 'app') },
  });
} else {
  console.log(`No Electron runtime here (${electron.missing}); starting the browser host instead.`);
  const hostArgs = ['dist/host/browserHost.cjs', '--data', resolve(dataRoot, 'host'), ...passArgs];
  const [cmd, cmdArgs] = withKeychain(process.execPath, hostArgs);
  app = spawn(cmd, cmdArgs, { stdio: 'inherit', env });
}
children.push(app);
app.on('exit', (code) => stopAll(code ?? 0));
