import { randomUUID } from 'node:crypto';
import type { AgentState } from '../../shared/agentState';
import { DEFAULT_AWAY_GRACE_MS } from '../../shared/routing';
import {
  DEFAULT_CAPACITY,
  type AgentConfig,
  type AgentSnapshot,
  type Offer,
  type QueueConfig,
  type RoutingEffect,
  type WorkItem,
} from './types';
import { chooseAgent, hasRoom } from './agentChoice';
import { zero, type AgentRt, type ItemRt, type QueueRt } from './engineState';

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
  /** An agent who declined or let an offer time out is not offered the same item again for this long. Default 60 s. */
  declineCooldownMs?: number;
  newId?: () => string;
};

/**
 * Decides who gets which conversation. One offer per conversation at a time; an agent is offered
 * work only while `available`, connected, skilled for it and under capacity counting outstanding
 * offers, so accepting can never push anyone past capacity. Deterministic for a given clock: the
 * relay calls `tick()` after every event and on a timer, and acts on the returned effects.
 */
export class RoutingEngine {
  private readonly agents = new Map<string, AgentRt>();
  private readonly teams = new Map<string, AgentRt[]>();
  private readonly queues = new Map<string, QueueRt>();
  private readonly items = new Map<string, ItemRt>();
  private readonly offers = new Map<string, Offer>();
  private readonly lastAgentOf = new Map<string, string>();
  private readonly now: () => number;
  private readonly graceMs: number;
  private readonly customerWaiting: (item: WorkItem) => boolean;
  private readonly ownOverflow: (item: WorkItem) => boolean;
  private readonly cooldownMs: number;
  private readonly newId: () => string;

  constructor(o: RoutingOptions = {}) {
    this.now = o.now ?? Date.now;
    this.graceMs = o.disconnectGraceMs ?? DEFAULT_AWAY_GRACE_MS;
    this.customerWaiting = o.customerWaiting ?? (() => true);
    this.ownOverflow = o.ownOverflow ?? (() => false);
    this.cooldownMs = o.declineCooldownMs ?? 60_000;
    this.newId = o.newId ?? randomUUID;
  }

  upsertQueue(cfg: QueueConfig): void {
    const q = this.queues.get(cfg.id);
    if (q) q.cfg = cfg;
    else this.queues.set(cfg.id, { cfg, rr: 0 });
  }

  upsertAgent(cfg: AgentConfig): void {
    const existing = this.agents.get(cfg.id);
    const capacity = { ...DEFAULT_CAPACITY, ...cfg.capacity };
    if (existing) {
      existing.cfg = cfg;
      existing.capacity = capacity;
    } else {
      const a: AgentRt = {
        cfg,
        capacity,
        state: 'offline',
        connected: false,
        disconnectedAt: 0,
        load: zero(),
        offered: zero(),
        assigned: new Set(),
        away: new Set(),
        lastOfferAt: 0,
      };
      this.agents.set(cfg.id, a);
    }
    this.indexTeams();
  }

  /** The agent chose a state, or calls set it (busy, after-call work). Leaving `available` withdraws offers. */
  setAgentState(agentId: string, state: AgentState): RoutingEffect[] {
    const a = this.agents.get(agentId);
    if (!a) return [];
    a.state = state;
    const effects = state === 'available' ? [] : this.withdrawOffersOf(a, 'agent-unavailable');
    return [...effects, ...this.tick()];
  }

  agentConnected(agentId: string): RoutingEffect[] {
    const a = this.agents.get(agentId);
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
    const a = this.agents.get(agentId);
    if (!a || a.connected) return;
    a.disconnectedAt = this.now();
  }

  /**
   * Starts the grace period; offers go to others at once. Assigned work stays: email-kind work
   * whatever happens, live work until its queue's grace ends, and then only if its customer waits.
   */
  agentDisconnected(agentId: string): RoutingEffect[] {
    const a = this.agents.get(agentId);
    if (!a) return [];
    a.connected = false;
    a.disconnectedAt = this.now();
    for (const id of a.assigned) this.watchAway(a, id);
    return [...this.withdrawOffersOf(a, 'agent-unavailable'), ...this.tick()];
  }

  /**
   * The customer of live work came back (a visitor reopened the chat) while its agent is still
   * away: judged again, at once if the grace has already passed. No-op otherwise.
   */
  customerReturned(conversationId: string): RoutingEffect[] {
    const rt = this.items.get(conversationId);
    const a = rt?.assignedTo ? this.agents.get(rt.assignedTo) : undefined;
    if (!a || a.connected) return [];
    this.watchAway(a, conversationId);
    return this.tick();
  }

  /** New work, or work that was already assigned before a restart (`assignedTo`). */
  enqueue(item: WorkItem, assignedTo?: string): RoutingEffect[] {
    if (this.items.has(item.conversationId)) return [];
    const rt: ItemRt = {
      item,
      queueId: item.queueId,
      queuedAt: this.now(),
      offer: null,
      assignedTo: null,
      declined: new Map(),
    };
    this.items.set(item.conversationId, rt);
    const agent = assignedTo ? this.agents.get(assignedTo) : undefined;
    if (agent) {
      rt.assignedTo = agent.cfg.id;
      agent.load[item.kind] += 1;
      agent.assigned.add(item.conversationId);
      if (!agent.connected) this.watchAway(agent, item.conversationId);
      return [];
    }
    return this.tick();
  }

  accept(
    offerId: string,
    agentId: string,
  ): { ok: true; effects: RoutingEffect[] } | { ok: false; reason: 'no-such-offer' | 'not-yours' } {
    const offer = this.offers.get(offerId);
    if (!offer) return { ok: false, reason: 'no-such-offer' };
    if (offer.agentId !== agentId) return { ok: false, reason: 'not-yours' };
    const rt = this.items.get(offer.conversationId)!;
    const a = this.agents.get(agentId)!;
    this.offers.delete(offerId);
    rt.offer = null;
    a.offered[rt.item.kind] -= 1;
    a.load[rt.item.kind] += 1;
    a.assigned.add(offer.conversationId);
    rt.assignedTo = agentId;
    if (rt.item.customerId) this.lastAgentOf.set(rt.item.customerId, agentId);
    return {
      ok: true,
      effects: [{ type: 'assigned', conversationId: offer.conversationId, agentId }, ...this.tick()],
    };
  }

  decline(offerId: string, agentId: string): RoutingEffect[] {
    const offer = this.offers.get(offerId);
    if (!offer || offer.agentId !== agentId) return [];
    return [...this.withdraw(offer, 'declined'), ...this.tick()];
  }

  /** The conversation was resolved, closed or moved: it stops counting against its agent. */
  release(conversationId: string): RoutingEffect[] {
    const rt = this.items.get(conversationId);
    if (!rt) return [];
    const effects: RoutingEffect[] = rt.offer ? this.withdraw(rt.offer, 'agent-unavailable') : [];
    if (rt.assignedTo) {
      const a = this.agents.get(rt.assignedTo);
      if (a && a.assigned.delete(conversationId)) a.load[rt.item.kind] -= 1;
      a?.away.delete(conversationId);
    }
    this.items.delete(conversationId);
    return [...effects, ...this.tick()];
  }

  /** Expires offers, ends grace periods, overflows long waits, then offers waiting work. */
  tick(): RoutingEffect[] {
    const now = this.now();
    const effects: RoutingEffect[] = [];
    for (const offer of [...this.offers.values()]) {
      if (offer.expiresAt <= now) effects.push(...this.withdraw(offer, 'timeout'));
    }
    for (const a of this.agents.values()) if (!a.connected) effects.push(...this.endGraces(a, now));
    effects.push(...this.overflowLongWaits(now));
    effects.push(...this.dispatch(now));
    return effects;
  }

  snapshot(agentId: string): AgentSnapshot | null {
    const a = this.agents.get(agentId);
    if (!a) return null;
    return {
      id: a.cfg.id,
      state: a.state,
      load: { ...a.load },
      offered: { ...a.offered },
      capacity: { ...a.capacity },
    };
  }

  /** Outstanding offer of a conversation, if any. */
  offerOf(conversationId: string): Offer | null {
    return this.items.get(conversationId)?.offer ?? null;
  }

  assigneeOf(conversationId: string): string | null {
    return this.items.get(conversationId)?.assignedTo ?? null;
  }

  waitingCount(): number {
    let n = 0;
    for (const rt of this.items.values()) if (!rt.assignedTo) n++;
    return n;
  }

  /**
   * Whether someone could take this queue's work soon: a connected member of its team with the
   * queue's skills who is available or only briefly occupied (busy, after-call work), at capacity or not.
   */
  isStaffed(queueId: string): boolean {
    const q = this.queues.get(queueId);
    if (!q) return false;
    return (this.teams.get(q.cfg.teamId) ?? []).some(
      (a) =>
        a.connected &&
        (a.state === 'available' || a.state === 'busy' || a.state === 'after-call-work') &&
        q.cfg.requiredSkills.every((s) => a.cfg.skills.includes(s)),
    );
  }

  /** Position of a waiting conversation in its queue (1 = next), or null once assigned. */
  queuePosition(conversationId: string): number | null {
    const me = this.items.get(conversationId);
    if (!me || me.assignedTo) return null;
    let pos = 1;
    for (const rt of this.items.values()) {
      if (rt === me) return pos;
      if (rt.queueId === me.queueId && !rt.assignedTo) pos++;
    }
    return null;
  }

  // --- internals ----------------------------------------------------------------------------

  /** Live work of a disconnected agent: judged once its queue's grace has passed. */
  private watchAway(a: AgentRt, conversationId: string): void {
    const rt = this.items.get(conversationId);
    if (rt && rt.item.kind !== 'email') a.away.add(conversationId);
  }

  /**
   * A disconnected agent's graces that have ended: live work whose customer still waits goes back
   * to its queue (offered to colleagues in this tick); everything else stays theirs. Past the
   * default grace the agent counts as offline (the app states its presence again on reconnect).
   */
  private endGraces(a: AgentRt, now: number): RoutingEffect[] {
    if (now - a.disconnectedAt >= this.graceMs) a.state = 'offline';
    if (a.away.size === 0) return [];
    const effects: RoutingEffect[] = [];
    for (const id of [...a.away]) {
      const rt = this.items.get(id);
      if (!rt || rt.assignedTo !== a.cfg.id) {
        a.away.delete(id);
        continue;
      }
      const grace = this.queues.get(rt.queueId)?.cfg.awayGraceMs ?? this.graceMs;
      if (now - a.disconnectedAt < grace) continue;
      a.away.delete(id);
      if (!this.customerWaiting(rt.item)) continue;
      rt.assignedTo = null;
      rt.queuedAt = now;
      a.assigned.delete(id);
      a.load[rt.item.kind] -= 1;
      effects.push({ type: 'requeued', conversationId: id, agentId: a.cfg.id, reason: 'agent-disconnected' });
    }
    return effects;
  }

  /** Waiting work past its queue's overflow time moves to the overflow queue (unless moved elsewhere). */
  private overflowLongWaits(now: number): RoutingEffect[] {
    const effects: RoutingEffect[] = [];
    for (const rt of this.items.values()) {
      const q = this.queues.get(rt.queueId);
      if (rt.assignedTo || rt.offer || !q?.cfg.overflow) continue;
      if (
        now - rt.queuedAt >= q.cfg.overflow.afterMs &&
        this.queues.has(q.cfg.overflow.toQueueId) &&
        !this.ownOverflow(rt.item)
      ) {
        effects.push({
          type: 'overflowed',
          conversationId: rt.item.conversationId,
          fromQueueId: rt.queueId,
          toQueueId: q.cfg.overflow.toQueueId,
        });
        rt.queueId = q.cfg.overflow.toQueueId;
        rt.queuedAt = now;
        rt.declined.clear();
      }
    }
    return effects;
  }

  private indexTeams(): void {
    this.teams.clear();
    for (const a of this.agents.values()) {
      for (const t of a.cfg.teamIds) {
        const list = this.teams.get(t) ?? [];
        list.push(a);
        this.teams.set(t, list);
      }
    }
  }

  private dispatch(now: number): RoutingEffect[] {
    const effects: RoutingEffect[] = [];
    // Queues whose team has nobody free for a kind of work this pass: skip their items in O(1),
    // so a long queue with every agent busy costs one check per item, not one per agent.
    const full = new Set<string>();
    // Items in arrival order (Map keeps insertion order), so the longest waiting go first.
    for (const rt of this.items.values()) {
      if (rt.assignedTo || rt.offer) continue;
      const q = this.queues.get(rt.queueId);
      if (!q) continue;
      const key = `${q.cfg.id}\u0000${rt.item.kind}`;
      if (full.has(key)) continue;
      const members = this.teams.get(q.cfg.teamId) ?? [];
      const lastId = rt.item.customerId ? this.lastAgentOf.get(rt.item.customerId) : undefined;
      const last = lastId ? this.agents.get(lastId) : undefined;
      const agent = chooseAgent(q, rt, now, { members, last, cooldownMs: this.cooldownMs });
      if (!agent) {
        if (!hasRoom(members, rt.item.kind)) full.add(key);
        continue;
      }
      const offer: Offer = {
        offerId: this.newId(),
        conversationId: rt.item.conversationId,
        agentId: agent.cfg.id,
        expiresAt: now + q.cfg.offerTimeoutMs,
      };
      rt.offer = offer;
      agent.offered[rt.item.kind] += 1;
      agent.lastOfferAt = now;
      this.offers.set(offer.offerId, offer);
      effects.push({ type: 'offer', offer });
    }
    return effects;
  }

  private withdraw(offer: Offer, reason: 'timeout' | 'declined' | 'agent-unavailable'): RoutingEffect[] {
    if (!this.offers.delete(offer.offerId)) return [];
    const rt = this.items.get(offer.conversationId);
    const a = this.agents.get(offer.agentId);
    if (rt) {
      rt.offer = null;
      if (reason !== 'agent-unavailable') rt.declined.set(offer.agentId, this.now());
      if (a) a.offered[rt.item.kind] -= 1;
    }
    return [{ type: 'offerWithdrawn', offer, reason }];
  }

  private withdrawOffersOf(a: AgentRt, reason: 'agent-unavailable'): RoutingEffect[] {
    const effects: RoutingEffect[] = [];
    for (const offer of [...this.offers.values()])
      if (offer.agentId === a.cfg.id) effects.push(...this.withdraw(offer, reason));
    return effects;
  }
}
