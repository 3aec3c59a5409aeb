import type DatabaseCtor from 'better-sqlite3-multiple-ciphers';

/**
 * The relay's SQLite connection type, in a module of its own so that the migrations and the
 * report facts they backfill can name it without importing db.ts, which runs them.
 */
export type Database = DatabaseCtor.Database;
