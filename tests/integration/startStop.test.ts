import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// `npm start` as a person runs it, stopped as a service manager or `kill` would: every process
// it started (relay, browser host, the private D-Bus session and its gnome-keyring daemon) must be
// gone afterwards. Uses the built dist/ (the suite builds first, as scripts/test.mjs does).

type Proc = { pid: number; ppid: number; pgid: number; state: string; start: string; cmd: string };

/** Every process on the machine, from /proc. */
function processes(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      // f[0] state, f[1] ppid, f[2] pgrp, f[19] start time (field 22 of stat)
      out.push({
        pid: Number(name),
        ppid: Number(f[1]),
        pgid: Number(f[2]),
        state: f[0]!,
        start: f[19]!,
        cmd,
      });
    } catch {
      // ended while we looked
    }
  }
  return out;
}

/**
 * The processes started under `root`: its descendants, plus members of their process groups that
 * forked away from their parent (gnome-keyring-daemon daemonizes to PID 1 but keeps its group).
 */
function startedBy(root: number): Proc[] {
  const all = processes();
  const mine = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all)
      if (mine.has(p.ppid) && !mine.has(p.pid)) {
        mine.add(p.pid);
        grew = true;
      }
  }
  const groups = new Set(all.filter((p) => mine.has(p.pid) && p.pid !== root).map((p) => p.pgid));
  return all.filter((p) => p.pid !== root && (mine.has(p.pid) || groups.has(p.pgid)));
}

/** Still running: the same process (same start time), not a zombie waiting to be reaped. */
function stillRunning(p: Proc): boolean {
  const now = processes().find((q) => q.pid === p.pid);
  return now !== undefined && now.start === p.start && now.state !== 'Z';
}

/** Files and folders under `dir` whose mode lets anyone but the owner in. */
function looseModes(dir: string): string[] {
  const loose: string[] = [];
  const walk = (path: string) => {
    const st = statSync(path);
    const want = st.isDirectory() ? 0o700 : 0o600;
    if ((st.mode & 0o777) !== want) loose.push(`${(st.mode & 0o777).toString(8)} ${path}`);
    if (st.isDirectory()) for (const e of readdirSync(path)) walk(join(path, e));
  };
  walk(dir);
  return loose;
}

const onPath = (bin: string) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
let recorded: Proc[] = [];

afterAll(() => {
  // If the test failed, do not leave its processes behind for the next one.
  for (const p of recorded) if (stillRunning(p)) process.kill(p.pid, 'SIGKILL');
});

describe('scripts/start', () => {
  it('leaves no process behind after SIGTERM, keyring daemon included', { timeout: 180_000 }, async () => {
    for (const f of ['dist/relay/relay.cjs', 'dist/host/browserHost.cjs'])
      if (!existsSync(f)) throw new Error(`${f} is missing: run "node scripts/build.mjs" first.`);
    const data = join(mkdtempSync(join(tmpdir(), 'sb-start-')), 'workstation');
    const env: NodeJS.ProcessEnv = { ...process.env };
    // As on a bare console: no desktop session, so start.mjs makes its own D-Bus + keyring.
    delete env['DBUS_SESSION_BUS_ADDRESS'];
    delete env['XDG_DATA_HOME'];
    const start = spawn(
      process.execPath,
      [
        resolve('scripts/start.mjs'),
        ...['--no-build', '--browser', '--data', data, '--relay-port', '0', '--sip-port', '0'],
        ...['--customers', '20', '--conversations', '40', '--port', '0'],
      ],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    start.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((r) => start.once('exit', (code) => r(code)));
    // The URL to open, then the sign-in outcome (so the offline cache exists).
    await new Promise<void>((ok, fail) => {
      start.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        if (/Open http:\/\/127\.0\.0\.1:\d+/.test(out) && /Signed in as|Could not|Not signed in/.test(out))
          ok();
      });
      void exited.then((code) => fail(new Error(`npm start exited with ${code} before its URL:\n${out}`)));
    });
    expect(out).toContain('Signed in as agent@demo.switchboard');

    recorded = startedBy(start.pid!);
    const names = recorded.map((p) => p.cmd).join('\n');
    expect(names).toContain('relay.cjs serve');
    expect(names).toContain('browserHost.cjs');
    // The embedded PBX, where Kamailio (with the queue modules) is installed.
    if (out.includes('Embedded PBX (Kamailio)')) expect(names).toContain('kamailio');
    else
      console.log(
        `scripts/start: no embedded PBX here (${/No phone in this demo: ([^\n]*)/.exec(out)?.[1]})`,
      );
    if (onPath('dbus-run-session') && onPath('gnome-keyring-daemon')) {
      expect(names).toContain('gnome-keyring-daemon');
      expect(names).toContain('dbus-daemon');
    } else
      console.log('scripts/start: no dbus-run-session/gnome-keyring here, so no keyring daemon to check');

    // Demo data, relay database and keys, the app's cache and settings: owner-only.
    expect(looseModes(data)).toEqual([]);

    start.kill('SIGTERM');
    expect(await exited).toBe(0);
    const left = recorded.filter(stillRunning).map((p) => `${p.pid} ${p.cmd}`);
    expect(left).toEqual([]);
  });
});
