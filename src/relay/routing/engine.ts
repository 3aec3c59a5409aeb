import { randomUUID } from 'node:crypto';
import type { AgentState } from '../../shared/agentState';
import { DEFAULT_AWAY_GRACE_MS } from '../../shared/routing';
import type { AgentConfig, AgentSnapshot, Offer, QueueConfig, RoutingEffect, WorkItem } from './types';
import type { EngineState } from './engineState';
import { acceptOffer, dispatch, expireOffers, withdraw, withdrawOffersOf } from './offers';
import { endGraces, holdFor, isStaffed, letGo, snapshot, upsertAgent, watchAway } from './capacity';
import { addItem, overflowLongWaits, queuePosition, upsertQueue, waitingCount } from './queues';

export type RoutingOptions = {
  now?: () => number;
  /**
   * A disconnected agent keeps live work this long before it is offered to others, when its queue
   * names no grace of its own. Default 180 s (DEFAULT_AWAY_GRACE_MS).
   */
  disconnectGraceMs?: number;
  /**
   * Whether the customer of a chat or call is still there, waiting (a connected web chat visitor,
   * a call not yet answered). Asked once per item when its agent's grace ends; only then does the
   * item move. Email-kind work is never asked: it stays with its agent whatever the presence.
   * Default: every chat and call counts as waiting.
   */
  customerWaiting?: (item: WorkItem) => boolean;
  /**
   * Whether another part of the relay moves this item between queues itself (a live call: the
   * voice queue overflows it by its phone settings), so the queue's overflow must leave it alone
   * and it is never moved twice. Default: none.
   */
  ownOverflow?: (item: WorkItem) => boolean;
  /**
   * Whether this relay routes the queue now (it holds the queue's lease, routing/lease.ts): only
   * then is its waiting work offered, overflowed, or taken back from an agent gone past the grace.
   * Default: every queue.
   */
  owns?: (queueId: string) => boolean;
  /** An agent who declined or let an offer time out is not offered the same item again for this long. Default 60 s. */
  declineCooldownMs?: number;
  newId?: () => string;
};

/**
 * Decides who gets which conversation. One offer per conversation at a time; an agent is offered
 * work only while `available`, connected, skilled for it and under capacity counting outstanding
 * offers, so accepting can never push anyone past capacity. Deterministic for a given clock: the
 * relay calls `tick()` after every event and on a timer, and acts on the returned effects. The
 * state is one EngineState; offers.ts, capacity.ts and queues.ts hold what acts on it.
 */
export class RoutingEngine {
  private readonly s: EngineState;

  constructor(o: RoutingOptions = {}) {
    this.s = {
      agents: new Map(),
      teams: new Map(),
      queues: new Map(),
      items: new Map(),
      offers: new Map(),
      lastAgentOf: new Map(),
      now: o.now ?? Date.now,
      graceMs: o.disconnectGraceMs ?? DEFAULT_AWAY_GRACE_MS,
      customerWaiting: o.customerWaiting ?? (() => true),
      ownOverflow: o.ownOverflow ?? (() => false),
      owns: o.owns ?? (() => true),
      cooldownMs: o.declineCooldownMs ?? 60_000,
      newId: o.newId ?? randomUUID,
    };
  }

  upsertQueue(cfg: QueueConfig): void {
    upsertQueue(this.s, cfg);
  }

  upsertAgent(cfg: AgentConfig): void {
    upsertAgent(this.s, cfg);
  }

  /** The agent chose a state, or calls set it (busy, after-call work). Leaving `available` withdraws offers. */
  setAgentState(agentId: string, state: AgentState): RoutingEffect[] {
    const a = this.s.agents.get(agentId);
    if (!a) return [];
    a.state = state;
    const effects = state === 'available' ? [] : withdrawOffersOf(this.s, a, 'agent-unavailable');
    return [...effects, ...this.tick()];
  }

  agentConnected(agentId: string): RoutingEffect[] {
    const a = this.s.agents.get(agentId);
    if (!a) return [];
    a.connected = true;
    a.away.clear();
    return this.tick();
  }

  /**
   * An agent whose work was assigned before a restart and who has not connected since: the grace
   * starts now (none runs out while the relay was away). Call before enqueueing their work.
   */
  awaitReturn(agentId: string): void {
    const a = this.s.agents.get(agentId);
    if (!a || a.connected) return;
    a.disconnectedAt = this.s.now();
  }

  /**
   * Starts the grace period; offers go to others at once. Assigned work stays: email-kind work
   * whatever happens, live work until its queue's grace ends, and then only if its customer waits.
   */
  agentDisconnected(agentId: string): RoutingEffect[] {
    const a = this.s.agents.get(agentId);
    if (!a) return [];
    a.connected = false;
    a.disconnectedAt = this.s.now();
    for (const id of a.assigned) watchAway(this.s, a, id);
    return [...withdrawOffersOf(this.s, a, 'agent-unavailable'), ...this.tick()];
  }

  /**
   * The customer of live work came back (a visitor reopened the chat) while its agent is still
   * away: judged again, at once if the grace has already passed. No-op otherwise.
   */
  customerReturned(conversationId: string): RoutingEffect[] {
    const rt = this.s.items.get(conversationId);
    const a = rt?.assignedTo ? this.s.agents.get(rt.assignedTo) : undefined;
    if (!a || a.connected) return [];
    watchAway(this.s, a, conversationId);
    return this.tick();
  }

  /** New work, or work that was already assigned before a restart (`assignedTo`). */
  enqueue(item: WorkItem, assignedTo?: string): RoutingEffect[] {
    if (this.s.items.has(item.conversationId)) return [];
    const rt = addItem(this.s, item);
    const agent = assignedTo ? this.s.agents.get(assignedTo) : undefined;
    if (agent) {
      holdFor(this.s, agent, rt);
      return [];
    }
    return this.tick();
  }

  accept(
    offerId: string,
    agentId: string,
  ): { ok: true; effects: RoutingEffect[] } | { ok: false; reason: 'no-such-offer' | 'not-yours' } {
    const offer = this.s.offers.get(offerId);
    if (!offer) return { ok: false, reason: 'no-such-offer' };
    if (offer.agentId !== agentId) return { ok: false, reason: 'not-yours' };
    return { ok: true, effects: [acceptOffer(this.s, offer), ...this.tick()] };
  }

  decline(offerId: string, agentId: string): RoutingEffect[] {
    const offer = this.s.offers.get(offerId);
    if (!offer || offer.agentId !== agentId) return [];
    return [...withdraw(this.s, offer, 'declined'), ...this.tick()];
  }

  /** The conversation was resolved, closed or moved: it stops counting against its agent. */
  release(conversationId: string): RoutingEffect[] {
    const rt = this.s.items.get(conversationId);
    if (!rt) return [];
    const effects: RoutingEffect[] = rt.offer ? withdraw(this.s, rt.offer, 'agent-unavailable') : [];
    letGo(this.s, rt);
    this.s.items.delete(conversationId);
    return [...effects, ...this.tick()];
  }

  /**
   * This relay no longer routes the queue (its lease went to another): the offers of its work
   * are withdrawn; the work stays counted against its agents.
   */
  queueLost(queueId: string): RoutingEffect[] {
    const effects: RoutingEffect[] = [];
    for (const rt of this.s.items.values())
      if (rt.queueId === queueId && rt.offer)
        effects.push(...withdraw(this.s, rt.offer, 'agent-unavailable'));
    return effects;
  }

  /** Whether the engine holds this conversation (waiting, offered or assigned). */
  holds(conversationId: string): boolean {
    return this.s.items.has(conversationId);
  }

  /** The conversations the engine holds in a queue (waiting, offered or assigned). */
  itemsIn(queueId: string): string[] {
    return [...this.s.items.values()]
      .filter((rt) => rt.queueId === queueId)
      .map((rt) => rt.item.conversationId);
  }

  /** Expires offers, ends grace periods, overflows long waits, then offers waiting work. */
  tick(): RoutingEffect[] {
    const now = this.s.now();
    const effects: RoutingEffect[] = expireOffers(this.s, now);
    for (const a of this.s.agents.values()) if (!a.connected) effects.push(...endGraces(this.s, a, now));
    effects.push(...overflowLongWaits(this.s, now));
    effects.push(...dispatch(this.s, now));
    return effects;
  }

  snapshot(agentId: string): AgentSnapshot | null {
    return snapshot(this.s, agentId);
  }

  /** Outstanding offer of a conversation, if any. */
  offerOf(conversationId: string): Offer | null {
    return this.s.items.get(conversationId)?.offer ?? null;
  }

  assigneeOf(conversationId: string): string | null {
    return this.s.items.get(conversationId)?.assignedTo ?? null;
  }

  waitingCount(): number {
    return waitingCount(this.s);
  }

  /**
   * Whether someone could take this queue's work soon: a connected member of its team with the
   * queue's skills who is available or only briefly occupied (busy, after-call work), at capacity or not.
   */
  isStaffed(queueId: string): boolean {
    return isStaffed(this.s, queueId);
  }

  /** Position of a waiting conversation in its queue (1 = next), or null once assigned. */
  queuePosition(conversationId: string): number | null {
    return queuePosition(this.s, conversationId);
  }
}
