// Relays that share one data directory (a cluster's shared volume) start at the same moment: each
// must end up with the same token signing secret, so a token one relay signed is good at another.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

describe('relay/identity/tokens across processes', () => {
  it('six processes creating the secret at once all read the one that won', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'sb-secret-bin-'));
    await build({
      bundle: true,
      platform: 'node',
      format: 'cjs',
      logLevel: 'warning',
      entryPoints: [resolve(__dirname, '../../../src/relay/identity/tokens.ts')],
      outfile: join(bin, 'tokens.cjs'),
    });
    const script = join(bin, 'race.cjs');
    writeFileSync(
      script,
      `const { loadSigningSecret } = require(${JSON.stringify(join(bin, 'tokens.cjs'))});
       const at = Number(process.argv[3]);
       while (Date.now() < at) {}
       process.stdout.write(loadSigningSecret(process.argv[2]).toString('hex'));`,
    );
    for (let round = 0; round < 3; round++) {
      const dir = mkdtempSync(join(tmpdir(), 'sb-shared-data-'));
      const at = String(Date.now() + 400);
      const outs = await Promise.all(
        Array.from({ length: 6 }, () => {
          const p = spawn(process.execPath, [script, dir, at], { stdio: ['ignore', 'pipe', 'pipe'] });
          let out = '';
          let err = '';
          p.stdout.on('data', (d: Buffer) => (out += d.toString()));
          p.stderr.on('data', (d: Buffer) => (err += d.toString()));
          return new Promise<string>((r, j) =>
            p.once('close', (code) => (code === 0 ? r(out) : j(new Error(err)))),
          );
        }),
      );
      expect(new Set(outs).size).toBe(1);
      expect(outs[0]).toMatch(/^[0-9a-f]{64}$/);
      expect(readdirSync(dir)).toEqual(['relay.secret']);
    }
  });
});
