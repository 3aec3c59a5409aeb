import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base } from '@playwright/test';

export type RunningHost = {
  url: string;
  origin: string;
  secret: string;
  dataDir: string;
  proc: ChildProcess;
};

/** Starts the built browser host (`dist/host/browserHost.cjs`) on a free port with a fresh data dir. */
export async function startHost(dataDir?: string, env: Record<string, string> = {}): Promise<RunningHost> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'sb-e2e-'));
  const proc = spawn(process.execPath, ['dist/host/browserHost.cjs', '--port', '0', '--data', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`browser host did not start:\n${out}`)), 20_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /Open (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`browser host exited with ${code}:\n${out}`)));
  });
  const u = new URL(url);
  return { url, origin: u.origin, secret: u.hash.replace('#k=', ''), dataDir: dir, proc };
}

export async function stopHost(h: RunningHost, keepData = false): Promise<void> {
  if (h.proc.exitCode === null) {
    const exited = new Promise((r) => h.proc.once('exit', r));
    h.proc.kill('SIGTERM');
    await exited;
  }
  if (!keepData) rmSync(h.dataDir, { recursive: true, force: true });
}

/** `host`: one browser host per test, so settings written by one test never leak into another. */
export const test = base.extend<{ host: RunningHost }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form.
  host: async ({}, use) => {
    const h = await startHost();
    await use(h);
    await stopHost(h);
  },
});

export { expect } from '@playwright/test';
