// Shared helpers for the sync and relay benches: TS bench workers bundled with esbuild, the built
// relay as a child process, workers as forked children with IPC, and RSS of a process.
import { fork, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '../..');
// Beside dist/ so the bundles find node_modules (native modules stay external, as in scripts/build.mjs).
const outdir = join(root, 'dist', 'bench');
let bundled = null;

/** Bundles bench/workers/*.ts once per run into dist/bench/; resolves with a name → path map. */
export function bundleWorkers() {
  bundled ??= (async () => {
    const started = Date.now();
    const dir = join(root, 'bench', 'workers');
    const entries = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    rmSync(outdir, { recursive: true, force: true });
    mkdirSync(outdir, { recursive: true });
    await build({
      entryPoints: entries.map((f) => join(dir, f)),
      outdir,
      outExtension: { '.js': '.cjs' },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      sourcemap: true,
      packages: 'external',
      define: { __SWITCHBOARD_VERSION__: '"bench"' },
      logLevel: 'warning',
    });
    log(`bundled ${entries.length} bench workers in ${Date.now() - started} ms`);
    return Object.fromEntries(
      entries.map((f) => [f.replace(/\.ts$/, ''), join(outdir, f.replace(/\.ts$/, '.cjs'))]),
    );
  })();
  return bundled;
}

export const log = (s) => process.stderr.write(`bench: ${s}\n`);
export const tempDir = (prefix) => mkdtempSync(join(tmpdir(), prefix));

// BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the relay and every worker there (Chrome DevTools).
const profArgs = () =>
  process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];

/** Resident set size of a process in KiB, from /proc. */
export function rssKb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]);
}

/** Runs `relay.cjs` with `args` to completion (admin create, seed); rejects on a non-zero exit. */
export function relayCli(args) {
  return new Promise((res, rej) => {
    const p = spawn(process.execPath, [join(root, 'dist/relay/relay.cjs'), ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (b) => (out += b));
    p.once('exit', (code) => (code === 0 ? res(out) : rej(new Error(`relay ${args[0]} exited ${code}`))));
  });
}

/** Starts `dist/relay/relay.cjs serve` on a free loopback port in its own process. */
export async function startRelayProcess(dataDir, extraArgs = []) {
  const proc = spawn(
    process.execPath,
    [
      ...profArgs(),
      join(root, 'dist/relay/relay.cjs'),
      'serve',
      '--data',
      dataDir,
      '--port',
      '0',
      ...extraArgs,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, SWITCHBOARD_LOG_LEVEL: 'warn' } },
  );
  const exited = new Promise((r) => proc.once('exit', r));
  const url = await new Promise((res, rej) => {
    let out = '';
    proc.stdout.on('data', (b) => {
      out += b;
      const m = /relay listening on (http:\/\/\S+)/.exec(out);
      if (m) res(m[1]);
    });
    exited.then((code) => rej(new Error(`relay exited with ${code} before listening`)));
  });
  return {
    url,
    pid: proc.pid,
    stop: async () => {
      // SIGINT: the relay closes cleanly (and writes its profile).
      if (proc.exitCode === null) proc.kill('SIGINT');
      const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/**
 * Forks a bundled worker with IPC. `call(msg)` sends a command and resolves with the next reply
 * (`{ok, ...}`); a reply `{error}` rejects. Progress lines go to stderr.
 */
export function forkWorker(path, args = [], opts = {}) {
  const prof = profArgs();
  const child = fork(path, args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    ...opts,
    execArgv: [...prof, ...(opts.execArgv ?? [])],
  });
  const exited = new Promise((r) => child.once('exit', r));
  let pending = null;
  child.on('message', (m) => {
    if (m?.progress) return log(m.progress);
    const p = pending;
    pending = null;
    if (!p) return;
    if (m?.error) p.rej(new Error(m.error));
    else p.res(m);
  });
  exited.then((code) => pending?.rej(new Error(`worker ${path} exited with ${code}`)));
  return {
    pid: child.pid,
    call: (msg, timeoutMs = 600_000) =>
      new Promise((res, rej) => {
        const t = setTimeout(() => rej(new Error(`worker ${path}: no answer in ${timeoutMs} ms`)), timeoutMs);
        pending = {
          res: (v) => (clearTimeout(t), res(v)),
          rej: (e) => (clearTimeout(t), rej(e)),
        };
        child.send(msg);
      }),
    stop: async () => {
      // Disconnecting lets the worker exit by itself (and write its profile); then SIGKILL.
      if (child.connected) child.disconnect();
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}

export const round = (x, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
