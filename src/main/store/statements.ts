import type Database from 'better-sqlite3-multiple-ciphers';

/** The cache's one writer connection (see db.ts for how it is opened). */
export type Db = Database.Database;
export type Statement = Database.Statement;

const statements = new WeakMap<Db, Map<string, Statement>>();

/** A prepared statement cached per connection: hot paths run thousands of times per sync. */
export function stmt(db: Db, sql: string): Statement {
  let m = statements.get(db);
  if (!m) statements.set(db, (m = new Map()));
  let s = m.get(sql);
  if (!s) m.set(sql, (s = db.prepare(sql)));
  return s;
}
