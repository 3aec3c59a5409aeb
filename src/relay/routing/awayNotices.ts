import type { MovedWhileAway } from '../../shared/routing';
import type { RoutingData } from '../data/routingData';

export type AwayNoticeOptions = {
  /** Notices kept per agent until they are seen (oldest dropped first). Default 200. */
  maxPerAgent?: number;
};

/**
 * What moved from an agent while they were offline, kept on the relay until their app says the
 * agent has seen it, so the notice survives the app reconnecting (or restarting) and the relay
 * restarting. One small JSON value per agent in the store's `meta` table (no table of its own: it
 * is a bounded list read whole when the agent connects); each change is one read and write in a
 * store transaction, so relays adding to one agent's notices at once lose neither.
 */
export function createAwayNotices(data: Pick<RoutingData, 'meta' | 'updateMeta'>, o: AwayNoticeOptions = {}) {
  const max = o.maxPerAgent ?? 200;
  const key = (agentId: string) => `routing.movedWhileAway.${agentId}`;
  const update = (agentId: string, fn: (items: MovedWhileAway[]) => MovedWhileAway[] | null) =>
    data.updateMeta(key(agentId), (value) => {
      const next = fn(parse(value));
      return next === null ? value : next.length === 0 ? null : JSON.stringify(next.slice(-max));
    });

  return {
    list: async (agentId: string): Promise<MovedWhileAway[]> => parse(await data.meta(key(agentId))),
    /** Adds what just moved from this agent. */
    async add(agentId: string, items: readonly MovedWhileAway[]): Promise<void> {
      if (items.length > 0) await update(agentId, (before) => [...before, ...items]);
    },
    /** The agent saw the notice: forgets what moved at or before `upTo` (ISO time); later moves stay. */
    async seen(agentId: string, upTo: string): Promise<void> {
      await update(agentId, (before) => {
        const after = before.filter((m) => m.movedAt > upTo);
        return after.length === before.length ? null : after;
      });
    },
  };
}

/** A stored value as notices; a damaged value is only a lost notice, never a failed connect. */
function parse(value: string | null): MovedWhileAway[] {
  if (value === null) return [];
  try {
    const v = JSON.parse(value) as unknown;
    return Array.isArray(v) ? (v as MovedWhileAway[]) : [];
  } catch {
    return [];
  }
}

/** What moved from each agent while away, until they see it. */
export type AwayNotices = ReturnType<typeof createAwayNotices>;
