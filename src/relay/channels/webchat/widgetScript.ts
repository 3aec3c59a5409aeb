/**
 * The web chat widget the relay serves at `GET /widget.js`: the bundle of `src/widget` (one
 * script, see scripts/widgetBundle.mjs), embedded into the relay at build time by
 * `scripts/build.mjs` and, for tests that run the relay's source, by `vitest.config.ts`.
 */
declare const __SWITCHBOARD_WIDGET__: string | undefined;

/** The widget script, or null in a relay bundled without it (a test-only or bench build). */
export const WIDGET_SCRIPT: string | null =
  typeof __SWITCHBOARD_WIDGET__ === 'string' ? __SWITCHBOARD_WIDGET__ : null;
