import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { bundleWidgetSync, widgetDefine } from './scripts/widgetBundle.mjs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string;
};
// A fresh object for each use: Vitest moves the entries it is given out of the object onto
// globalThis, so an object shared between projects reaches only the first of them.
const define = () => ({ __SWITCHBOARD_VERSION__: JSON.stringify(pkg.version) });
// Tests that run the relay's source serve the widget built from src/widget now, as the build embeds it.
const widget = widgetDefine(bundleWidgetSync());
const relayDefine = () => ({ ...define(), ...widget });

export default defineConfig({
  define: define(),
  esbuild: { jsx: 'automatic' },
  test: {
    projects: [
      {
        define: relayDefine(),
        test: {
          name: 'unit-node',
          environment: 'node',
          include: ['src/**/*.test.ts'],
          exclude: ['src/renderer/**', 'src/widget/**'],
        },
      },
      {
        define: define(),
        esbuild: { jsx: 'automatic' },
        test: {
          name: 'unit-dom',
          environment: 'jsdom',
          // The design tokens' test reads styles.css as text (?raw); other CSS stays unprocessed.
          css: { include: [/src\/renderer\/styles\.css/] },
          include: ['src/renderer/**/*.test.{ts,tsx}', 'src/widget/**/*.test.ts'],
          // Rendering whole panes in jsdom takes seconds on a loaded 2-core machine; a limit, not a target.
          testTimeout: 20_000,
        },
      },
      {
        define: relayDefine(),
        test: {
          name: 'integration',
          environment: 'node',
          include: ['tests/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
