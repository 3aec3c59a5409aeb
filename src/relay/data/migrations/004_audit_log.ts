import type { Database } from '../database';

// Released: never edit. Add a new numbered file instead.
/**
 * The audit log of security-relevant actions (sign-ins, accounts, roles, keys, settings, plays,
 * revocations). Relay-only, never synced. Append-only: triggers refuse UPDATE and DELETE, so a bug
 * or a stray tool cannot rewrite history through this connection.
 */
export const migration004 = {
  version: 4,
  name: 'audit log',
  up(db: Database): void {
    db.exec(`
      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        -- NULL: nobody signed in (a failed sign-in, the command line, the relay itself).
        actor_id TEXT,
        action TEXT NOT NULL,
        target TEXT,
        -- A JSON object of what changed; never secrets or passwords.
        detail TEXT NOT NULL DEFAULT '{}',
        ip TEXT
      );
      CREATE INDEX audit_log_at ON audit_log(at);
      CREATE INDEX audit_log_actor ON audit_log(actor_id, seq);
      CREATE INDEX audit_log_action ON audit_log(action, seq);
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    `);
  },
};
