import { stmt, type Db } from './statements';

/** Keys of the `meta` table. */
export type MetaKey =
  | 'cursor'
  | 'deviceId'
  | 'agent'
  | 'hlc'
  | 'resyncing'
  | 'session'
  /** Records from this rowid on still wait to be added to the search index (see indexSearchBacklog). */
  | 'searchBacklogFrom'
  /** The relay's grant-signing public key (PEM), for checking monitoring grants offline. */
  | 'monitoringKey'
  /** Monitoring grants used on this workstation (id → expiry), so none is used twice offline. */
  | 'monitoringUsed'
  /** Ends of monitoring sessions not yet told to the relay (it was out of reach). */
  | 'monitoringEndsPending';

export function getMeta(db: Db, key: MetaKey): string | undefined {
  return (stmt(db, 'SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
}

export function setMeta(db: Db, key: MetaKey, value: string): void {
  stmt(
    db,
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(key, value);
}

export function deleteMeta(db: Db, key: MetaKey): void {
  stmt(db, 'DELETE FROM meta WHERE key = ?').run(key);
}
