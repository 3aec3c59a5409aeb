import type { MovedWhileAway } from '../../shared/routing';
import type { Database } from '../data/db';

export type AwayNoticeOptions = {
  /** Notices kept per agent until they are seen (oldest dropped first). Default 200. */
  maxPerAgent?: number;
};

/**
 * What moved from an agent while they were offline, kept on the relay until their app says the
 * agent has seen it, so the notice survives the app reconnecting (or restarting) and the relay
 * restarting. One small JSON value per agent in the `meta` table (no table of its own: it is a
 * bounded list read whole when the agent connects).
 */
export function createAwayNotices(db: Database, o: AwayNoticeOptions = {}) {
  const max = o.maxPerAgent ?? 200;
  const key = (agentId: string) => `routing.movedWhileAway.${agentId}`;
  const get = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
  const put = db.prepare<[string, string]>(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  );
  const drop = db.prepare<[string]>('DELETE FROM meta WHERE key = ?');

  function list(agentId: string): MovedWhileAway[] {
    const row = get.get(key(agentId));
    if (!row) return [];
    try {
      const v = JSON.parse(row.value) as unknown;
      return Array.isArray(v) ? (v as MovedWhileAway[]) : [];
    } catch {
      return []; // a damaged value is only a lost notice, never a failed connect
    }
  }

  function write(agentId: string, items: MovedWhileAway[]): void {
    if (items.length === 0) drop.run(key(agentId));
    else put.run(key(agentId), JSON.stringify(items.slice(-max)));
  }

  return {
    list,
    /** Adds what just moved from this agent. */
    add(agentId: string, items: readonly MovedWhileAway[]): void {
      if (items.length > 0) write(agentId, [...list(agentId), ...items]);
    },
    /** The agent saw the notice: forgets what moved at or before `upTo` (ISO time); later moves stay. */
    seen(agentId: string, upTo: string): void {
      const before = list(agentId);
      const after = before.filter((m) => m.movedAt > upTo);
      if (after.length !== before.length) write(agentId, after);
    },
  };
}

/** What moved from each agent while away, until they see it. */
export type AwayNotices = ReturnType<typeof createAwayNotices>;
