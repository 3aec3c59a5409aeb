import { defineConfig } from 'vite';

// Renderer bundle only; main, preload and the browser host are bundled by esbuild in
// scripts/build.mjs. JSX is compiled by esbuild (no Babel plugin needed).
export default defineConfig({
  root: 'src/renderer',
  base: './',
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: '../../dist/renderer',
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: true,
    modulePreload: { polyfill: false },
    rollupOptions: {
      // zod's sources carry /*@__PURE__*/ comments Rollup cannot place; harmless, and noisy.
      onwarn(warning, warn) {
        if (warning.code === 'INVALID_ANNOTATION') return;
        warn(warning);
      },
    },
  },
  logLevel: 'warn',
});
