// Finds an installed Electron binary, or explains why there is none.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** @returns {{ path: string } | { missing: string }} */
export function findElectron() {
  if (process.env.ELECTRON_PATH && existsSync(process.env.ELECTRON_PATH))
    return { path: process.env.ELECTRON_PATH };
  try {
    const path = require('electron');
    if (typeof path === 'string' && existsSync(path)) return { path };
    return { missing: `the electron package has no binary at ${path}` };
  } catch {
    return {
      missing: 'the electron package was installed without its binary (ELECTRON_SKIP_BINARY_DOWNLOAD)',
    };
  }
}
