import type { Database } from '../database';

// Released: never edit. Add a new numbered file instead.
/**
 * When and why a monitoring session ended, on its first grant: the end is recorded once (by the
 * supervisor's or the agent's app, whichever reports it first), so the audit log has one line.
 */
export const migration012 = {
  version: 12,
  name: 'monitoring session end',
  up(db: Database): void {
    db.exec(`
      ALTER TABLE monitoring_grants ADD COLUMN ended_at INTEGER;
      ALTER TABLE monitoring_grants ADD COLUMN ended_reason TEXT;
    `);
  },
};
