/** One numbered schema change of the cache (see index.ts). */
export type Migration = { version: number; name: string; sql: string };
