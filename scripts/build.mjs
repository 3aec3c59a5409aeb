// Builds every bundle: renderer (Vite), Electron main and preload, the browser host, and the web chat
// widget, which the relay bundle embeds and serves at GET /widget.js (esbuild).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { bundleWidget, widgetDefine } from './widgetBundle.mjs';

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

const [widget] = await Promise.all([
  bundleWidget(),
  viteBuild({ configFile: new URL('../vite.config.ts', import.meta.url).pathname }),
]);
// The same script as a file too, to read or diff what the relay serves.
mkdirSync('dist/widget', { recursive: true });
writeFileSync('dist/widget/widget.js', widget);
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
      define: { ...define, ...widgetDefine(widget) },
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
  `build: renderer, main, preload, browser host, relay and widget in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
