// A real nats-server from Debian for cross-process fan-out tests: core NATS (no JetStream) on
// 127.0.0.1 and a free port, its log in a temp dir; stop() ends it and removes the dir.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './mail';

const NATS_SERVER = process.env.SWITCHBOARD_NATS_SERVER ?? '/usr/sbin/nats-server';

/** Why nats-server cannot run here (a reason to print and skip), or null. */
export function natsMissing(): string | null {
  if (!existsSync(NATS_SERVER))
    return `nats-server is not installed (${NATS_SERVER}; apt-get install nats-server)`;
  if (spawnSync(NATS_SERVER, ['--version']).status !== 0) return `${NATS_SERVER} does not run`;
  return null;
}

export type RunningNats = {
  port: number;
  /** `nats://127.0.0.1:PORT`, for the nats client's `servers` option. */
  url: string;
  stop(): Promise<void>;
};

/** Starts nats-server on 127.0.0.1; throws with its log when it does not listen. */
export async function startNats(): Promise<RunningNats> {
  const missing = natsMissing();
  if (missing) throw new Error(missing);
  const dir = mkdtempSync(join(tmpdir(), 'sb-nats-'));
  const log = join(dir, 'nats.log');
  const port = await freePort();
  const proc = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port), '-l', log], { stdio: 'ignore' });
  const readLog = () => (existsSync(log) ? readFileSync(log, 'utf8') : '');
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`nats-server exited ${proc.exitCode}: ${readLog()}`);
    }
    const up = await new Promise<boolean>((r) => {
      const s = tcpConnect(port, '127.0.0.1', () => (s.destroy(), r(true)));
      s.on('error', () => r(false));
    });
    if (up) break;
    if (i === 400) {
      proc.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`nats-server did not listen on ${port}: ${readLog()}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  let stopped = false;
  return {
    port,
    url: `nats://127.0.0.1:${port}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (proc.exitCode === null) {
        const gone = new Promise<void>((r) => proc.once('exit', () => r()));
        const force = setTimeout(() => proc.kill('SIGKILL'), 5_000);
        proc.kill('SIGTERM');
        await gone;
        clearTimeout(force);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
