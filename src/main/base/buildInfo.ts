// Replaced at build time by esbuild/vitest `define`; see scripts/build.mjs.
declare const __SWITCHBOARD_VERSION__: string;

/** The app's version from package.json, fixed when the bundle was built. */
export const APP_VERSION: string = __SWITCHBOARD_VERSION__;
