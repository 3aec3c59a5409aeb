import { DEFAULT_CAPACITY, type AgentConfig, type AgentSnapshot, type RoutingEffect } from './types';
import { zero, type AgentRt, type EngineState, type ItemRt } from './engineState';

// Agents and the work counted against their capacity: their config and teams, the load of what
// is assigned to them, and the grace that keeps a disconnected agent's live work theirs a while.

/** Adds an agent (offline, disconnected, no load) or takes a changed config, then reindexes teams. */
export function upsertAgent(s: EngineState, cfg: AgentConfig): void {
  const existing = s.agents.get(cfg.id);
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
    s.agents.set(cfg.id, a);
  }
  indexTeams(s);
}

function indexTeams(s: EngineState): void {
  s.teams.clear();
  for (const a of s.agents.values()) {
    for (const t of a.cfg.teamIds) {
      const list = s.teams.get(t) ?? [];
      list.push(a);
      s.teams.set(t, list);
    }
  }
}

/** The item is the agent's: it counts against their capacity (and is watched if they are away). */
export function holdFor(s: EngineState, agent: AgentRt, rt: ItemRt): void {
  rt.assignedTo = agent.cfg.id;
  agent.load[rt.item.kind] += 1;
  agent.assigned.add(rt.item.conversationId);
  if (!agent.connected) watchAway(s, agent, rt.item.conversationId);
}

/** The item stops counting against its agent, if it has one. */
export function letGo(s: EngineState, rt: ItemRt): void {
  if (!rt.assignedTo) return;
  const id = rt.item.conversationId;
  const a = s.agents.get(rt.assignedTo);
  if (a && a.assigned.delete(id)) a.load[rt.item.kind] -= 1;
  a?.away.delete(id);
}

/** Live work of a disconnected agent: judged once its queue's grace has passed. */
export function watchAway(s: EngineState, a: AgentRt, conversationId: string): void {
  const rt = s.items.get(conversationId);
  if (rt && rt.item.kind !== 'email') a.away.add(conversationId);
}

/**
 * A disconnected agent's graces that have ended: live work whose customer still waits goes back
 * to its queue (offered to colleagues in this tick); everything else stays theirs. Past the
 * default grace the agent counts as offline (the app states its presence again on reconnect).
 */
export function endGraces(s: EngineState, a: AgentRt, now: number): RoutingEffect[] {
  if (now - a.disconnectedAt >= s.graceMs) a.state = 'offline';
  if (a.away.size === 0) return [];
  const effects: RoutingEffect[] = [];
  for (const id of [...a.away]) {
    const rt = s.items.get(id);
    if (!rt || rt.assignedTo !== a.cfg.id) {
      a.away.delete(id);
      continue;
    }
    const grace = s.queues.get(rt.queueId)?.cfg.awayGraceMs ?? s.graceMs;
    // Only the queue's owner takes work back (another relay may be where the agent is connected).
    if (now - a.disconnectedAt < grace || !s.owns(rt.queueId)) continue;
    a.away.delete(id);
    if (!s.customerWaiting(rt.item)) continue;
    rt.assignedTo = null;
    rt.queuedAt = now;
    a.assigned.delete(id);
    a.load[rt.item.kind] -= 1;
    effects.push({ type: 'requeued', conversationId: id, agentId: a.cfg.id, reason: 'agent-disconnected' });
  }
  return effects;
}

/**
 * Whether someone could take this queue's work soon: a connected member of its team with the
 * queue's skills who is available or only briefly occupied (busy, after-call work), at capacity or not.
 */
export function isStaffed(s: EngineState, queueId: string): boolean {
  const q = s.queues.get(queueId);
  if (!q) return false;
  return (s.teams.get(q.cfg.teamId) ?? []).some(
    (a) =>
      a.connected &&
      (a.state === 'available' || a.state === 'busy' || a.state === 'after-call-work') &&
      q.cfg.requiredSkills.every((sk) => a.cfg.skills.includes(sk)),
  );
}

/** A copy of an agent's state, load, offers and capacity; null for an agent the engine does not know. */
export function snapshot(s: EngineState, agentId: string): AgentSnapshot | null {
  const a = s.agents.get(agentId);
  if (!a) return null;
  return {
    id: a.cfg.id,
    state: a.state,
    load: { ...a.load },
    offered: { ...a.offered },
    capacity: { ...a.capacity },
  };
}
