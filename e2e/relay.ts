import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, startHost, type RunningHost } from './fixtures';

export const DEMO_PASSWORD = 'e2e-demo-password';

export type RunningRelay = {
  url: string;
  port: number;
  dataDir: string;
  proc: ChildProcess;
  stop(): Promise<void>;
};

/** Seeds a small demo data set and runs the built relay (`dist/relay/relay.cjs`) on a free port. */
export async function startSeededRelay(
  customers = 20,
  conversations = 40,
  /** More `relay serve` flags (e.g. `--kamailio-evapi`). */
  serveArgs: string[] = [],
  /** More `relay seed` flags (e.g. `--now <ISO time>` for identical data on every run). */
  seedArgs: string[] = [],
): Promise<RunningRelay> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-e2e-relay-'));
  const seed = spawnSync(
    process.execPath,
    [
      'dist/relay/relay.cjs',
      'seed',
      '--data',
      dataDir,
      '--customers',
      String(customers),
      '--conversations',
      String(conversations),
      '--password',
      DEMO_PASSWORD,
      '--seed',
      '7',
      ...seedArgs,
    ],
    { encoding: 'utf8' },
  );
  if (seed.status !== 0) throw new Error(`relay seed failed: ${seed.stderr}`);
  const proc = spawn(
    process.execPath,
    ['dist/relay/relay.cjs', 'serve', '--data', dataDir, '--port', '0', ...serveArgs],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /relay listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    proc.once('exit', (code) => reject(new Error(`relay exited with ${code}: ${out}`)));
  });
  return {
    url,
    port: Number(new URL(url).port),
    dataDir,
    proc,
    stop: async () => {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A workstation (browser host) signed in to `relay` as a demo account, its cache protected by a
 * passphrase (no keychain is assumed), opened in `page` and online. The host goes into `hosts`
 * for the spec to stop.
 */
export async function openSignedIn(
  page: Page,
  relay: RunningRelay,
  email: string,
  hosts: RunningHost[],
): Promise<RunningHost> {
  const host = await startHost(undefined, {
    SWITCHBOARD_RELAY_URL: relay.url,
    SWITCHBOARD_LOGIN_EMAIL: email,
    SWITCHBOARD_LOGIN_PASSWORD: DEMO_PASSWORD,
    SWITCHBOARD_CACHE_PASSPHRASE: `${email} passphrase`,
  });
  hosts.push(host);
  await page.goto(host.url);
  await expect(page.getByRole('status', { name: 'Sync status' })).toHaveText('Online', { timeout: 30_000 });
  return host;
}
