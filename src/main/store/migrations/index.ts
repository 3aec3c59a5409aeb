import type Database from 'better-sqlite3-multiple-ciphers';
import { migration001 } from './001_initial';
import { migration002 } from './002_phone_lookup';
import { migration003 } from './003_reads';
import { migration004 } from './004_conversation_list';
import { migration005 } from './005_merged_customers';
import { migration006 } from './006_recordings';
import { migration007 } from './007_report_cache';
import type { Migration } from './migration';

export type { Migration } from './migration';

/** Every migration in order. Released files are never edited; add the next number instead. */
export const MIGRATIONS: readonly Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  migration006,
  migration007,
];

/** Applies the migrations newer than `PRAGMA user_version`, each in its own transaction. */
export function runMigrations(
  db: Database.Database,
  migrations: readonly Migration[] = MIGRATIONS,
): number[] {
  const applied: number[] = [];
  const current = Number(db.pragma('user_version', { simple: true }));
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
    applied.push(m.version);
  }
  return applied;
}
