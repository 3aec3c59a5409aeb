import type { Database } from '../database';
import { migration001 } from './001_initial';
import { migration002 } from './002_api_keys';
import { migration003 } from './003_webchat_settings';
import { migration004 } from './004_audit_log';
import { migration005 } from './005_account_management';
import { migration006 } from './006_email';
import { migration007 } from './007_email_import_since';
import { migration008 } from './008_monitoring_grants';
import { migration009 } from './009_report_facts';
import { migration010 } from './010_sla_timers';
import { migration011 } from './011_api_webhooks';
import { migration012 } from './012_monitoring_ended';
import { migration013 } from './013_webchat_presence';

export type Migration = { version: number; name: string; up(db: Database): void };

/** Every migration in order. Released migrations are never edited; add a new file instead. */
export const MIGRATIONS: readonly Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  migration006,
  migration007,
  migration008,
  migration009,
  migration010,
  migration011,
  migration012,
  migration013,
];

/** Applies pending migrations, each in its own transaction, tracking `PRAGMA user_version`. */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const newest = migrations.at(-1)?.version ?? 0;
  if (current > newest)
    throw new Error(`The relay database is at version ${current}, newer than this relay (${newest}).`);
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return db.pragma('user_version', { simple: true }) as number;
}
