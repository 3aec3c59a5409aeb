// The README's test command: builds, then runs every tier (unit, integration, end-to-end) and
// ends with one line totalling them all: "Total: N passed, N failed, N skipped".
// Vitest runs under a private D-Bus session with an unlocked gnome-keyring when those exist,
// so keychain tests use a real Secret Service.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const results = '.test-results';
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });
const tiers = process.argv.slice(2);
const want = (t) => tiers.length === 0 || tiers.includes(t);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  return r.status ?? 1;
}
const onPath = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;

let failedSteps = 0;
if (run(process.execPath, ['scripts/build.mjs']) !== 0) {
  console.error('test: the build failed; fix it before running tests.');
  process.exit(1);
}

const totals = { passed: 0, failed: 0, skipped: 0 };

if (want('unit') || want('integration')) {
  const projects = [];
  if (want('unit')) projects.push('--project', 'unit-node', '--project', 'unit-dom');
  if (want('integration')) projects.push('--project', 'integration');
  const vitest = [
    'vitest',
    'run',
    ...projects,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${results}/vitest.json`,
  ];
  const withKeyring =
    !process.env.DBUS_SESSION_BUS_ADDRESS && onPath('dbus-run-session') && onPath('gnome-keyring-daemon');
  // A keyring of the tests' own, never the user's (gnome-keyring keeps it under XDG_DATA_HOME).
  const keyringHome = mkdtempSync(join(tmpdir(), 'sb-keyring-'));
  const status = withKeyring
    ? run(
        'dbus-run-session',
        [
          '--',
          'sh',
          '-c',
          'echo switchboard-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec npx "$@"',
          'sh',
          ...vitest,
        ],
        { env: { ...process.env, XDG_DATA_HOME: keyringHome } },
      )
    : run('npx', vitest);
  if (status !== 0) failedSteps++;
  const file = `${results}/vitest.json`;
  if (existsSync(file)) {
    const j = JSON.parse(readFileSync(file, 'utf8'));
    totals.passed += j.numPassedTests;
    totals.failed += j.numFailedTests;
    totals.skipped += j.numPendingTests + j.numTodoTests;
  } else if (status !== 0) totals.failed += 1;
}

if (want('e2e')) {
  const status = run('npx', ['playwright', 'test']);
  if (status !== 0) failedSteps++;
  const file = `${results}/playwright.json`;
  if (existsSync(file)) {
    const s = JSON.parse(readFileSync(file, 'utf8')).stats;
    totals.passed += s.expected + s.flaky;
    totals.failed += s.unexpected;
    totals.skipped += s.skipped;
  } else if (status !== 0) totals.failed += 1;
}

// A tier that crashed without reporting counts as a failure even if its counts are clean.
if (failedSteps > 0 && totals.failed === 0) totals.failed = failedSteps;
console.log(`\nTotal: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 || failedSteps > 0 ? 1 : 0);
