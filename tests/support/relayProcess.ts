// A relay as its own process (the CLI, bundled the way `npm run relay` builds it), for tests that
// must see whether input can stop it: an in-process relay would take the test runner down with it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { createAdmin } from '../../src/relay/index';

const ROOT = resolve(__dirname, '../..');

export type RelayProcess = {
  proc: ChildProcess;
  port: number;
  url: string;
  wsUrl: string;
  dataDir: string;
  /** Everything the process wrote to stderr (a crash's stack trace lands here). */
  stderr(): string;
  /** Whether the process is still running. */
  alive(): boolean;
  stop(): Promise<void>;
};

export const ROOT_ADMIN = { email: 'root@relay.test', password: 'root-password-1', name: 'Root' };

let bundled: Promise<{ relay: string; watchdog: string }> | null = null;

/** Bundles the relay CLI once per test file (esbuild, well under a second). */
function bundle(): Promise<{ relay: string; watchdog: string }> {
  bundled ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-relay-bin-'));
    const relay = join(dir, 'relay.cjs');
    await build({
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      packages: 'external',
      define: { __SWITCHBOARD_VERSION__: '"0.0.0-test"' },
      logLevel: 'warning',
      entryPoints: [join(ROOT, 'src/relay/cli.ts')],
      outfile: relay,
    });
    // Preloaded into the child: it exits when its stdin (a pipe from this process) closes, so no
    // relay outlives a test worker that dies without cleaning up.
    const watchdog = join(dir, 'watchdog.cjs');
    writeFileSync(watchdog, "process.stdin.on('end', () => process.exit(70)).resume();\n");
    return { relay, watchdog };
  })();
  return bundled;
}

/**
 * Runs one relay CLI command (`migrate`, `admin create`…) to its end, bundled as for
 * startRelayProcess; resolves to its exit code and output. Killed after `timeoutMs` [default 60 s].
 */
export async function runRelayCli(
  args: string[],
  opts: { timeoutMs?: number } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const bin = await bundle();
  const proc = spawn(process.execPath, [bin.relay, ...args], {
    env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const kill = setTimeout(() => proc.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  const code = await new Promise<number | null>((r) => proc.once('close', (c) => r(c)));
  clearTimeout(kill);
  return { code, stdout, stderr };
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => res(port));
    });
  });
}

/**
 * Starts `relay serve` on a free loopback port with a fresh data directory holding a root admin
 * (ROOT_ADMIN), or on `opts.dataDir` as an earlier process left it (a restart); resolves once
 * `/healthz` answers. `args` are extra CLI flags.
 */
export async function startRelayProcess(
  args: string[] = [],
  opts: { dataDir?: string } = {},
): Promise<RelayProcess> {
  const bin = await bundle();
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'sb-relay-proc-'));
  if (!opts.dataDir) await createAdmin({ dataDir, ...ROOT_ADMIN });
  const port = await freePort();
  const proc = spawn(
    process.execPath,
    ['-r', bin.watchdog, bin.relay, 'serve', '--data', dataDir, '--port', String(port), ...args],
    { env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') }, stdio: ['pipe', 'ignore', 'pipe'] },
  );
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const alive = () => proc.exitCode === null && proc.signalCode === null;
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (!alive()) throw new Error(`relay exited ${String(proc.exitCode)}: ${err}`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (i > 400) throw new Error(`relay on port ${port} did not become healthy: ${err}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    proc,
    port,
    url,
    wsUrl: `ws://127.0.0.1:${port}/v1/sync`,
    dataDir,
    stderr: () => err,
    alive,
    stop: async () => {
      if (!alive()) return;
      const gone = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.kill('SIGTERM');
      await gone;
    },
  };
}
