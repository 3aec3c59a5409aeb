import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string;
};
const define = { __SWITCHBOARD_VERSION__: JSON.stringify(pkg.version) };

export default defineConfig({
  define,
  esbuild: { jsx: 'automatic' },
  test: {
    projects: [
      {
        define,
        test: {
          name: 'unit-node',
          environment: 'node',
          include: ['src/**/*.test.ts'],
          exclude: ['src/renderer/**'],
        },
      },
      {
        define,
        esbuild: { jsx: 'automatic' },
        test: { name: 'unit-dom', environment: 'jsdom', include: ['src/renderer/**/*.test.{ts,tsx}'] },
      },
      {
        define,
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
