import type { ConversationData } from '../../shared/sync/entities';
import { capacityOf, queueRoutingOf, teamRoutingSchema } from '../../shared/routing';
import type { RoutingDeps } from './deps';
import type { RoutingEngine } from './engine';
import type { QueueFacts, RoutingModel } from './model';
import { workKindOf, type QueueConfig, type WorkItem } from './types';

// What routing tells the engine from the store: conversations as work items, whether their
// customer still waits, and the queues (inboxes, teams) and agents, from routing's model
// (model.ts) and, for agents, the directory.

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

/** The engine's questions about customers, answered from the model (and web chat's sockets). */
export function customerPresence(d: Pick<RoutingDeps, 'visitorConnected'>, model: RoutingModel) {
  /**
   * Is the customer of this live work still there, waiting? A web chat: its visitor is connected.
   * A call: it has a call that nobody answered and that has not ended (an answered call's audio
   * runs between the agent and the phone server, not through this connection, so it stays).
   * Messaging apps (SMS, WhatsApp, WeChat) are async, like email: they never move on a drop.
   */
  function customerWaiting(item: WorkItem): boolean {
    const data = model.conversation(item.conversationId);
    if (!data || data.status === 'resolved') return false;
    if (data.channel === 'chat') return d.visitorConnected?.(item.conversationId) ?? false;
    if (data.channel === 'voice') return model.ringing(item.conversationId);
    return false;
  }
  // A live call's overflow is the voice queue's (its phone settings): it moves the conversation
  // itself, so the queue's overflow leaving it alone means it never moves twice.
  const ownOverflow = (item: WorkItem) => item.kind === 'call' && model.ringing(item.conversationId);
  return { customerWaiting, ownOverflow };
}

/** A queue's engine config from its inbox's routing settings and its team's grace. */
function queueConfigOf(d: Pick<RoutingDeps, 'offerTimeoutMs'>, q: QueueFacts): QueueConfig {
  const r = queueRoutingOf(q.inbox);
  // The team's grace when it set one; otherwise the engine's default.
  const team = teamRoutingSchema.safeParse(q.team?.['routing']);
  return {
    id: q.inboxId,
    teamId: q.teamId,
    strategy: r.strategy,
    requiredSkills: r.requiredSkills,
    offerTimeoutMs: d.offerTimeoutMs ?? r.offerTimeoutMs,
    overflow: r.overflow ? { afterMs: r.overflow.afterMs, toQueueId: r.overflow.toInboxId } : null,
    ...(team.success ? { awayGraceMs: team.data.awayGraceMs } : {}),
  };
}

/**
 * Tells the engine the queues (one per inbox, its team's grace) as the model has them, and the
 * agents (teams, skills, capacity) as the directory and their records have them, again whenever
 * they change.
 */
export function createEngineFeed(d: RoutingDeps, model: RoutingModel, engine: RoutingEngine) {
  const knownAgents = new Set<string>();

  function loadQueues(): void {
    for (const q of model.queues()) engine.upsertQueue(queueConfigOf(d, q));
  }

  /** Reads an agent's config (again); false when there is no such account. */
  async function ensureAgent(agentId: string): Promise<boolean> {
    const a = await d.identity.agentById(agentId);
    if (!a) return false;
    const [teamIds, rec] = await Promise.all([d.identity.teamIdsOf(agentId), d.store.get('agent', agentId)]);
    const skills = (rec?.data['skills'] as string[] | undefined) ?? [];
    engine.upsertAgent({ id: agentId, teamIds, skills, capacity: capacityOf(rec?.data) });
    knownAgents.add(agentId);
    return true;
  }

  return {
    loadQueues,
    ensureAgent,
    isKnown: (agentId: string) => knownAgents.has(agentId),
    /** Tells the engine about an agent it has not heard of yet. */
    async know(agentId: string): Promise<void> {
      if (!knownAgents.has(agentId)) await ensureAgent(agentId);
    },
  };
}

export type EngineFeed = ReturnType<typeof createEngineFeed>;
