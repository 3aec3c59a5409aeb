import type { Database } from '../database';

// Released: never edit. Add a new numbered file instead.
/**
 * The first import's cutoff per mailbox folder: while it runs, mail older than this (by its
 * INTERNALDATE) is passed over even when its UID comes after recent mail (mail appended or moved
 * in later); NULL once the import has caught up, so any mail arriving afterwards is taken.
 */
export const migration007 = {
  version: 7,
  name: 'email import cutoff',
  up(db: Database): void {
    db.exec('ALTER TABLE email_sync ADD COLUMN import_since INTEGER');
  },
};
