import type { Offer, RoutingEffect } from './types';
import { chooseAgent, hasRoom } from './agentChoice';
import type { AgentRt, EngineState } from './engineState';

// Offers: made to one agent at a time per conversation, counted against the agent's capacity
// until accepted, declined, timed out or withdrawn.

/** Why an offer ends without an accept. */
export type WithdrawReason = 'timeout' | 'declined' | 'agent-unavailable';

/** Offers waiting work, longest waiting first, each to the agent its queue's strategy picks. */
export function dispatch(s: EngineState, now: number): RoutingEffect[] {
  const effects: RoutingEffect[] = [];
  // Queues whose team has nobody free for a kind of work this pass: skip their items in O(1),
  // so a long queue with every agent busy costs one check per item, not one per agent.
  const full = new Set<string>();
  // Items in arrival order (Map keeps insertion order), so the longest waiting go first.
  for (const rt of s.items.values()) {
    if (rt.assignedTo || rt.offer || !s.owns(rt.queueId)) continue;
    const q = s.queues.get(rt.queueId);
    if (!q) continue;
    const key = `${q.cfg.id}\u0000${rt.item.kind}`;
    if (full.has(key)) continue;
    const members = s.teams.get(q.cfg.teamId) ?? [];
    const lastId = rt.item.customerId ? s.lastAgentOf.get(rt.item.customerId) : undefined;
    const last = lastId ? s.agents.get(lastId) : undefined;
    const agent = chooseAgent(q, rt, now, { members, last, cooldownMs: s.cooldownMs });
    if (!agent) {
      if (!hasRoom(members, rt.item.kind)) full.add(key);
      continue;
    }
    const offer: Offer = {
      offerId: s.newId(),
      conversationId: rt.item.conversationId,
      agentId: agent.cfg.id,
      expiresAt: now + q.cfg.offerTimeoutMs,
    };
    rt.offer = offer;
    agent.offered[rt.item.kind] += 1;
    agent.lastOfferAt = now;
    s.offers.set(offer.offerId, offer);
    effects.push({ type: 'offer', offer });
  }
  return effects;
}

/** The agent took the offer: the conversation becomes theirs and counts as load, not as an offer. */
export function acceptOffer(s: EngineState, offer: Offer): Extract<RoutingEffect, { type: 'assigned' }> {
  const { agentId, conversationId } = offer;
  const rt = s.items.get(conversationId)!;
  const a = s.agents.get(agentId)!;
  s.offers.delete(offer.offerId);
  rt.offer = null;
  a.offered[rt.item.kind] -= 1;
  a.load[rt.item.kind] += 1;
  a.assigned.add(conversationId);
  rt.assignedTo = agentId;
  if (rt.item.customerId) s.lastAgentOf.set(rt.item.customerId, agentId);
  return { type: 'assigned', conversationId, agentId };
}

/** Ends an offer; a decline or timeout keeps that agent from being offered the item again for a while. */
export function withdraw(s: EngineState, offer: Offer, reason: WithdrawReason): RoutingEffect[] {
  if (!s.offers.delete(offer.offerId)) return [];
  const rt = s.items.get(offer.conversationId);
  const a = s.agents.get(offer.agentId);
  if (rt) {
    rt.offer = null;
    if (reason !== 'agent-unavailable') rt.declined.set(offer.agentId, s.now());
    if (a) a.offered[rt.item.kind] -= 1;
  }
  return [{ type: 'offerWithdrawn', offer, reason }];
}

/** Withdraws every outstanding offer of one agent (they left `available` or disconnected). */
export function withdrawOffersOf(s: EngineState, a: AgentRt, reason: 'agent-unavailable'): RoutingEffect[] {
  const effects: RoutingEffect[] = [];
  for (const offer of [...s.offers.values()])
    if (offer.agentId === a.cfg.id) effects.push(...withdraw(s, offer, reason));
  return effects;
}

/** Withdraws the offers whose time ran out. */
export function expireOffers(s: EngineState, now: number): RoutingEffect[] {
  const effects: RoutingEffect[] = [];
  for (const offer of [...s.offers.values()]) {
    if (offer.expiresAt <= now) effects.push(...withdraw(s, offer, 'timeout'));
  }
  return effects;
}
