// The web chat widget (src/widget) as the one script the relay serves at GET /widget.js.
// Used by scripts/build.mjs (which embeds it into the relay bundle and writes dist/widget/widget.js)
// and by vitest.config.ts (so tests that import the relay's source serve the same script).
// Not minified: a site owner or a support engineer can read what runs on their page without a map.
import { fileURLToPath } from 'node:url';
import { build, buildSync } from 'esbuild';

export const widgetBuildOptions = {
  absWorkingDir: fileURLToPath(new URL('..', import.meta.url)),
  entryPoints: ['src/widget/widget.ts'],
  bundle: true,
  format: 'iife',
  platform: 'browser',
  // Shadow DOM, fetch and requestSubmit set the real baseline; es2019 keeps the output plain.
  target: 'es2019',
  // The zh-CN and zh-TW texts stay readable in the file (served as UTF-8).
  charset: 'utf8',
  legalComments: 'none',
  banner: {
    js: '// Switchboard web chat widget: built from src/widget by scripts/build.mjs.\n"use strict";',
  },
  write: false,
  logLevel: 'warning',
};

/** The widget script's text. */
export async function bundleWidget() {
  const r = await build(widgetBuildOptions);
  return r.outputFiles[0].text;
}

/** The widget script's text, built synchronously (for config files that cannot await). */
export function bundleWidgetSync() {
  return buildSync(widgetBuildOptions).outputFiles[0].text;
}

/** esbuild/Vite `define` entries that embed the widget into relay code that imports it. */
export function widgetDefine(text) {
  return { __SWITCHBOARD_WIDGET__: JSON.stringify(text) };
}
