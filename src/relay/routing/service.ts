import type { AgentState } from '../../shared/agentState';
import type { Commit } from '../data/store';
import { guarded } from '../core/guard';
import { createAwayNotices, type AwayNotices } from './awayNotices';
import type { LiveOffers, RoutingDeps } from './deps';
import { createEffects, type RoutingEffects } from './effects';
import { RoutingEngine } from './engine';
import {
  conversationData,
  createEngineFeed,
  customerPresence,
  workItemOf,
  type EngineFeed,
} from './fromStore';
import { recoverRouting } from './recovery';

export type { LiveOffers, RoutingDeps } from './deps';

export type RoutingService = ReturnType<typeof createRoutingService>;

/** What the service's handlers share: the engine, what feeds it from the store, and its effects. */
type Routing = {
  d: RoutingDeps;
  engine: RoutingEngine;
  feed: EngineFeed;
  notices: AwayNotices;
} & RoutingEffects;

/**
 * The relay's routing: one queue per inbox (its team, least-busy), agents as they connect, and
 * conversations offered to one agent at a time. Applies the engine's decisions: offers and
 * withdrawals go to the agents' sockets; an accepted offer becomes the conversation's assignee,
 * written with the relay's clock and fanned out like any change. Ticks every second.
 */
export function createRoutingService(d: RoutingDeps) {
  const engine = new RoutingEngine({ now: d.now, ...customerPresence(d), ...d.engine });
  const feed = createEngineFeed(d, engine);
  let live: LiveOffers | null = null;
  const notices = createAwayNotices(d.db);
  const effects = createEffects(d, notices, () => live);
  const r: Routing = { d, engine, feed, notices, ...effects };
  const timer = setInterval(
    guarded(d.log, 'routing tick', () => effects.apply(engine.tick())),
    1_000,
  );
  timer.unref();
  feed.loadQueues();
  recoverRouting(d, engine, feed, effects.apply);

  return {
    ...conversationEvents(r),
    ...agentEvents(r),
    /** Plugs in the voice queue (set once at start). */
    attachLiveOffers(l: LiveOffers): void {
      live = l;
    },
    close(): void {
      clearInterval(timer);
    },
  };
}

/** What happens to conversations: queued, transferred, resolved, taken live; where they wait. */
function conversationEvents(r: Routing) {
  const { d, engine, feed, apply, assign } = r;
  /**
   * A conversation that needs an agent (new from a channel, or back in the queue). One that has
   * an agent (a resolved one its customer reopened) counts against them again; the engine
   * counts a conversation it already holds once.
   */
  function enqueue(conversationId: string): void {
    const data = conversationData(d, conversationId);
    const item = data ? workItemOf(conversationId, data) : null;
    if (!item) return;
    feed.loadQueues();
    if (data?.assigneeId) {
      feed.know(data.assigneeId);
      apply(engine.enqueue(item, data.assigneeId));
    } else apply(engine.enqueue(item));
  }
  return {
    enqueue,
    /** Hears each commit (store.onCommit): a resolved conversation frees its agent; a transfer is offered again. */
    onCommit({ changes, routingRequests }: Commit): void {
      // Transfers: free the old assignee, then offer in the new queue if nobody was named.
      for (const id of routingRequests) {
        apply(engine.release(id));
        const conv = d.store.get('conversation', id);
        if (conv && !conv.data['assigneeId']) enqueue(id);
        else if (conv?.data['assigneeId']) {
          const item = workItemOf(id, conv.data);
          if (item) apply(engine.enqueue(item, String(conv.data['assigneeId'])));
        }
      }
      for (const c of changes) {
        // Routing settings live on inbox and agent records: take edits at once.
        if (c.entity === 'inbox' || c.entity === 'team') feed.loadQueues();
        if (c.entity === 'agent' && feed.isKnown(c.id)) feed.ensureAgent(c.id);
        if (c.entity !== 'conversation' || !c.data) continue;
        const status = c.data['status'];
        if (status === 'resolved' || c.deleted) apply(engine.release(c.id));
      }
    },
    /** Resolved or closed: stops counting against its agent. */
    release(conversationId: string): void {
      apply(engine.release(conversationId));
    },
    queuePosition: (conversationId: string) => engine.queuePosition(conversationId),
    /** An agent took live work whose offer had been withdrawn meanwhile (answered a ringing phone). */
    assignLive(conversationId: string, agentId: string): void {
      const data = conversationData(d, conversationId);
      const item = data ? workItemOf(conversationId, data) : null;
      if (!item) return;
      feed.know(agentId);
      apply(engine.release(conversationId));
      apply(engine.enqueue(item, agentId));
      assign(conversationId, agentId);
    },
    /** Whether an agent who could take the inbox's conversations is there (web chat's offline form). */
    isStaffed(inboxId: string): boolean {
      if (engine.isStaffed(inboxId)) return true;
      feed.loadQueues(); // an inbox made since the last load
      return engine.isStaffed(inboxId);
    },
  };
}

/** What agents do: connect and drop, set their presence, answer offers, see what moved. */
function agentEvents(r: Routing) {
  const { d, engine, feed, notices, apply } = r;
  return {
    agentConnected(agentId: string): void {
      feed.know(agentId);
      apply(engine.agentConnected(agentId));
      // Told on every connection until the app says it was seen: a notice survives reconnects.
      const moved = notices.list(agentId);
      if (moved.length > 0) d.sendToAgent(agentId, { t: 'movedWhileAway', moved });
    },
    /** A web chat visitor reconnected: if their agent is gone past the grace, the chat moves now. */
    customerReturned(conversationId: string): void {
      apply(engine.customerReturned(conversationId));
    },
    /** The agent saw what moved while they were away, up to that time. */
    movedSeen(agentId: string, upTo: string): void {
      notices.seen(agentId, upTo);
    },
    agentDisconnected(agentId: string): void {
      apply(engine.agentDisconnected(agentId));
    },
    setPresence(agentId: string, state: AgentState): void {
      feed.know(agentId);
      apply(engine.setAgentState(agentId, state));
    },
    /** The agent's answer to an offer; false when the offer is gone (expired, withdrawn, not theirs). */
    reply(agentId: string, offerId: string, accept: boolean): boolean {
      if (!accept) {
        apply(engine.decline(offerId, agentId));
        return true;
      }
      const res = engine.accept(offerId, agentId);
      if (!res.ok) return false;
      apply(res.effects);
      return true;
    },
  };
}
