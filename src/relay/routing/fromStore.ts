import type { Channel, ConversationData } from '../../shared/sync/entities';
import { capacityOf, queueRoutingOf, teamRoutingSchema } from '../../shared/routing';
import type { RoutingDeps } from './deps';
import type { RoutingEngine } from './engine';
import { workKindOf, type WorkItem } from './types';

// What routing reads from the store: conversations as work items, whether their customer still
// waits, and the queues (inboxes, teams) and agents the engine is told about.

/** A conversation as routing work: its queue (inbox) and kind; null when it has no inbox to queue in. */
export function workItemOf(conversationId: string, data: Partial<ConversationData>): WorkItem | null {
  if (!data.inboxId || !data.channel) return null;
  return {
    conversationId,
    customerId: data.customerId ?? null,
    queueId: data.inboxId,
    kind: workKindOf(data.channel),
  };
}

/** The conversation's data as routing reads it, or undefined when there is no such record. */
export function conversationData(d: RoutingDeps, id: string): Partial<ConversationData> | undefined {
  return d.store.get('conversation', id)?.data as Partial<ConversationData> | undefined;
}

/** The engine's questions about customers, answered from the store (and web chat's sockets). */
export function customerPresence(d: RoutingDeps) {
  const ringing = d.db
    .prepare<[string], number>(
      `SELECT 1 FROM records WHERE entity = 'call' AND conv_id = ? AND deleted = 0
         AND json_extract(data, '$.endedAt') IS NULL AND json_extract(data, '$.answeredAt') IS NULL LIMIT 1`,
    )
    .pluck();
  /**
   * Is the customer of this live work still there, waiting? A web chat: its visitor is connected.
   * A call: it has a call that nobody answered and that has not ended (an answered call's audio
   * runs between the agent and the phone server, not through this connection, so it stays).
   * Messaging apps (SMS, WhatsApp, WeChat) are async, like email: they never move on a drop.
   */
  function customerWaiting(item: WorkItem): boolean {
    const data = conversationData(d, item.conversationId);
    if (!data || data.status === 'resolved') return false;
    if (data.channel === 'chat') return d.visitorConnected?.(item.conversationId) ?? false;
    if (data.channel === 'voice') return ringing.get(item.conversationId) !== undefined;
    return false;
  }
  // A live call's overflow is the voice queue's (its phone settings): it moves the conversation
  // itself, so the queue's overflow leaving it alone means it never moves twice.
  const ownOverflow = (item: WorkItem) =>
    item.kind === 'call' && ringing.get(item.conversationId) !== undefined;
  return { customerWaiting, ownOverflow };
}

/**
 * Tells the engine the queues (one per inbox, its team's grace) and agents (teams, skills,
 * capacity) as the store has them, again whenever they change.
 */
export function createEngineFeed(d: RoutingDeps, engine: RoutingEngine) {
  const inboxes = d.db.prepare<[], { id: string; team_id: string; channel: Channel }>(
    'SELECT id, team_id, channel FROM inboxes',
  );
  const knownAgents = new Set<string>();

  function loadQueues(): void {
    for (const i of inboxes.all()) {
      const r = queueRoutingOf(d.store.get('inbox', i.id)?.data);
      // The team's grace when it set one; otherwise the engine's default.
      const team = teamRoutingSchema.safeParse(d.store.get('team', i.team_id)?.data['routing']);
      engine.upsertQueue({
        id: i.id,
        teamId: i.team_id,
        strategy: r.strategy,
        requiredSkills: r.requiredSkills,
        offerTimeoutMs: d.offerTimeoutMs ?? r.offerTimeoutMs,
        overflow: r.overflow ? { afterMs: r.overflow.afterMs, toQueueId: r.overflow.toInboxId } : null,
        ...(team.success ? { awayGraceMs: team.data.awayGraceMs } : {}),
      });
    }
  }

  function ensureAgent(agentId: string): void {
    const a = d.accounts.agentById(agentId);
    if (!a) return;
    const view = d.accounts.publicAgent(agentId);
    const capacity = capacityOf(d.store.get('agent', agentId)?.data);
    engine.upsertAgent({ id: agentId, teamIds: view.teamIds, skills: view.skills, capacity });
    knownAgents.add(agentId);
  }

  return {
    loadQueues,
    /** Reads an agent's config again (their record changed). */
    ensureAgent,
    isKnown: (agentId: string) => knownAgents.has(agentId),
    /** Tells the engine about an agent it has not heard of yet. */
    know(agentId: string): void {
      if (!knownAgents.has(agentId)) ensureAgent(agentId);
    },
  };
}

export type EngineFeed = ReturnType<typeof createEngineFeed>;
