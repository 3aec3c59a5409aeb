/**
 * One PostgreSQL migration: in a module of its own so that each migration can name its type
 * without importing index.ts, which imports every migration.
 */
export type PgMigration = { version: number; name: string; sql: string };
