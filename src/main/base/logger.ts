import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';

export type Logger = pino.Logger;

/**
 * File logger for the main side (Electron main and the browser host): JSON lines in
 * `<dataDir>/logs/switchboard.log`. `level` defaults to `info`, or `SWITCHBOARD_LOG_LEVEL`.
 */
export function createLogger(dataDir: string, name: string): Logger {
  const dir = join(dataDir, 'logs');
  mkdirSync(dir, { recursive: true });
  const level = process.env['SWITCHBOARD_LOG_LEVEL'] ?? 'info';
  return pino(
    { name, level },
    pino.destination({ dest: join(dir, 'switchboard.log'), sync: true, mkdir: true }),
  );
}

/** A logger that writes nothing, for tests that do not look at logs. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
