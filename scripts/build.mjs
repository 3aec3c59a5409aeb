// Builds every bundle: renderer (Vite), Electron main and preload, and the browser host (esbuild).
import { existsSync, readFileSync } from 'node:fs';
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const started = Date.now();
const define = { __SWITCHBOARD_VERSION__: JSON.stringify(pkg.version) };
const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  define,
  logLevel: 'warning',
};

await viteBuild({ configFile: new URL('../vite.config.ts', import.meta.url).pathname });
await Promise.all([
  // Node code keeps node_modules external: native modules and pino's workers load from disk.
  esbuild({
    ...node,
    entryPoints: ['src/main/electron/main.ts'],
    outfile: 'dist/main/main.cjs',
    packages: 'external',
  }),
  esbuild({
    ...node,
    entryPoints: ['src/main/browserHost/cli.ts'],
    outfile: 'dist/host/browserHost.cjs',
    packages: 'external',
  }),
  existsSync('src/relay/cli.ts') &&
    esbuild({
      ...node,
      entryPoints: ['src/relay/cli.ts'],
      outfile: 'dist/relay/relay.cjs',
      packages: 'external',
    }),
  esbuild({
    ...node,
    entryPoints: ['src/release/cli.ts'],
    outfile: 'dist/release/release.cjs',
    packages: 'external',
  }),
  // A sandboxed preload can require only 'electron': bundle everything else into it.
  esbuild({
    ...node,
    entryPoints: ['src/preload/preload.ts'],
    outfile: 'dist/preload/preload.cjs',
    external: ['electron'],
  }),
]);
console.log(
  `build: renderer, main, preload and browser host in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
