// Shared bench helpers: the built browser host as a child process, and Debian's Chromium.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';

export { CHROMIUM_ARGS };

/**
 * Starts `dist/host/browserHost.cjs` on a free port; resolves with its URL and a stop(). Options:
 * `dataDir` (default: a fresh temp dir; removed on stop either way), `env` added to the host's
 * environment, `ready` a pattern of the host's output to wait for after its URL (default: none).
 */
export async function startHost(extraArgs = [], opts = {}) {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'sb-bench-'));
  const proc = spawn(
    process.execPath,
    ['dist/host/browserHost.cjs', '--port', '0', '--data', dataDir, ...extraArgs],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...opts.env },
    },
  );
  const url = await new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (b) => {
      out += b;
      const m = /Open (http:\/\/\S+)/.exec(out);
      if (m && (!opts.ready || opts.ready.test(out))) resolve(m[1]);
    });
    proc.once('exit', (code) => reject(new Error(`browser host exited with ${code}`)));
  });
  return {
    url,
    stop: async () => {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
  });
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
