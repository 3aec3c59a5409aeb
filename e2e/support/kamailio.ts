import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's binary; the end-to-end phone tests are skipped (with a printed reason) without it. */
export const KAMAILIO_BIN = process.env['KAMAILIO_BIN'] ?? '/usr/sbin/kamailio';
const CONFIG = 'tests/kamailio/kamailio.cfg';
const MODULES = '/usr/lib/x86_64-linux-gnu/kamailio/modules/websocket.so';

/** Why Kamailio cannot run here, or null when it can. */
export function kamailioMissing(): string | null {
  if (!existsSync(KAMAILIO_BIN)) return `${KAMAILIO_BIN} not found (apt-get install kamailio)`;
  if (!existsSync(MODULES)) return 'websocket module not found (apt-get install kamailio-websocket-modules)';
  return null;
}

export type RunningKamailio = {
  port: number;
  /** `ws://127.0.0.1:<port>`: plain WebSocket on loopback (production uses wss). */
  wsUrl: string;
  /** SIP domain the registrar serves. */
  domain: string;
  log: () => string;
  /** Stops and starts it again on the same port; registrations (memory only) are lost. */
  restart(): Promise<void>;
  stop(): Promise<void>;
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitListening(port: number, proc: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (proc.exitCode !== null) throw new Error(`kamailio exited with ${proc.exitCode}:\n${log()}`);
    const up = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`kamailio did not listen on ${port}:\n${log()}`);
}

/**
 * Writes the repo's config with a free port into a fresh directory and runs Kamailio in the
 * foreground (`-DD -E`, runtime files in that directory, no root paths). Resolves once it listens.
 */
export async function startKamailio(): Promise<RunningKamailio> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-kamailio-'));
  const port = await freePort();
  const cfg = join(dir, 'kamailio.cfg');
  writeFileSync(cfg, readFileSync(CONFIG, 'utf8').replaceAll('__PORT__', String(port)));
  const check = spawnSync(KAMAILIO_BIN, ['-c', '-f', cfg], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`kamailio config check failed:\n${check.stderr}`);
  let out = '';
  let proc: ChildProcess;
  const launch = async () => {
    proc = spawn(KAMAILIO_BIN, ['-DD', '-E', '-Y', dir, '-m', '64', '-M', '8', '-f', cfg], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (b: Buffer) => {
      out = (out + b.toString()).slice(-200_000);
    };
    proc.stdout!.on('data', keep);
    proc.stderr!.on('data', keep);
    await waitListening(port, proc, () => out);
  };
  const stopProc = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  await launch();
  return {
    port,
    wsUrl: `ws://127.0.0.1:${port}`,
    domain: 'switchboard.test',
    log: () => out,
    restart: async () => {
      await stopProc();
      // The listening socket is gone once the process has exited; start on the same port.
      await launch();
    },
    stop: async () => {
      await stopProc();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
