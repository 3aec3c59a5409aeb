import { chmodSync, closeSync, fchmodSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Creates `path` empty with mode 0600 if missing, and sets 0600 if it exists. Called before SQLite
 * opens a database: SQLite gives the `-wal` and `-shm` files it creates the database file's mode.
 */
export function createPrivateFile(path: string): void {
  const fd = openSync(path, 'a', 0o600);
  try {
    fchmodSync(fd, 0o600);
  } finally {
    closeSync(fd);
  }
}

/** Our own folders in the data directory, made owner-only all the way down (cache, logs, recordings). */
const OWN_TREES = new Set(['profiles', 'logs']);

/**
 * Makes the app's data directory owner-only: the folder 0700, its files 0600 (settings, profile),
 * its folders 0700, and everything inside the encrypted caches and logs likewise. Repairs data
 * written world-readable by older versions. Chromium's own folders in Electron's userData are
 * closed by the 0700 on their parent and left as Chromium made them.
 */
export function protectAppDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  protect(dir, 0);
}

function protect(dir: string, depth: number): void {
  chmodSync(dir, 0o700);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isFile()) chmodSync(path, 0o600);
    else if (e.isDirectory()) {
      if (depth > 0 || OWN_TREES.has(e.name)) protect(path, depth + 1);
      else chmodSync(path, 0o700);
    }
  }
}
