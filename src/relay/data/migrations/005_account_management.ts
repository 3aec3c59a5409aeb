import type { Database } from '../database';

// Released: never edit. Add a new numbered file instead.
/**
 * What IT needs to manage people: why and when an account was disabled, a temporary password that
 * must be changed at the next sign-in, and when the person last signed in.
 */
export const migration005 = {
  version: 5,
  name: 'account management',
  up(db: Database): void {
    db.exec(`
      ALTER TABLE agents ADD COLUMN disabled_at INTEGER;
      ALTER TABLE agents ADD COLUMN disabled_reason TEXT;
      ALTER TABLE agents ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0
        CHECK (must_change_password IN (0, 1));
      ALTER TABLE agents ADD COLUMN last_sign_in_at INTEGER;
    `);
  },
};
