import { chmodSync, closeSync, fchmodSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Creates `file` [default `<dataDir>/relay.db`] empty with mode 0600 before SQLite opens it:
 * SQLite gives the `-wal` and `-shm` files it creates later the mode of the database file.
 */
export function createPrivateDatabaseFile(dataDir: string, file = join(dataDir, 'relay.db')): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const fd = openSync(file, 'a', 0o600);
  try {
    fchmodSync(fd, 0o600); // a database made by an older version may be world-readable
  } finally {
    closeSync(fd);
  }
}

/**
 * Owner-only modes on the relay's data folder (0700) and everything directly in it: folders
 * (recordings, attachments, logs, updates) 0700, files (relay.db and its -wal/-shm, relay.secret,
 * recording.key, webchat.key) 0600. Also repairs folders made world-readable by older versions or
 * a loose umask; files inside the subfolders are written owner-only by their modules.
 */
export function protectDataDir(dataDir: string): void {
  chmodSync(dataDir, 0o700);
  for (const e of readdirSync(dataDir, { withFileTypes: true })) {
    if (e.isDirectory()) chmodSync(join(dataDir, e.name), 0o700);
    else if (e.isFile()) chmodSync(join(dataDir, e.name), 0o600);
  }
}
