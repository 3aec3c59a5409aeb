import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';

export type Logger = pino.Logger;

/** JSON-lines logger in `<dataDir>/logs/relay.log`; level `info` or `SWITCHBOARD_LOG_LEVEL`. Synchronous writes, so a process that exits at once (a port in use) still logs why instead of crashing in the logger. */
export function createRelayLogger(dataDir: string): Logger {
  const dir = join(dataDir, 'logs');
  mkdirSync(dir, { recursive: true });
  const level = process.env['SWITCHBOARD_LOG_LEVEL'] ?? 'info';
  return pino(
    { name: 'relay', level },
    pino.destination({ dest: join(dir, 'relay.log'), sync: true, mkdir: true }),
  );
}
