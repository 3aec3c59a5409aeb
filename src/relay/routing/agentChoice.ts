import type { WorkKind } from './types';
import type { AgentRt, ItemRt, QueueRt } from './engineState';

// Who is offered a waiting conversation: pure functions of the engine's state (the round-robin
// cursor of the queue is the only thing they move).

/**
 * Whether `a` may be offered `rt` of queue `q` now: available and connected, under capacity
 * counting outstanding offers, not within `cooldownMs` of declining it, and with the skills of
 * the queue and of the item.
 */
export function eligible(a: AgentRt, q: QueueRt, rt: ItemRt, now: number, cooldownMs: number): boolean {
  const k = rt.item.kind;
  if (a.state !== 'available' || !a.connected) return false;
  if (a.load[k] + a.offered[k] >= a.capacity[k]) return false;
  const declinedAt = rt.declined.get(a.cfg.id);
  if (declinedAt !== undefined && now - declinedAt < cooldownMs) return false;
  for (const s of q.cfg.requiredSkills) if (!a.cfg.skills.includes(s)) return false;
  for (const s of rt.item.requiredSkills ?? []) if (!a.cfg.skills.includes(s)) return false;
  return true;
}

/** Whether any of `members` is free for work of kind `k` (skills aside). */
export function hasRoom(members: readonly AgentRt[], k: WorkKind): boolean {
  for (const a of members) {
    if (a.state === 'available' && a.connected && a.load[k] + a.offered[k] < a.capacity[k]) return true;
  }
  return false;
}

/**
 * The agent to offer `rt` of queue `q`: the customer's last agent (`last`) when a member who may
 * take it, else by the queue's strategy among its team's `members`; null when nobody may.
 */
export function chooseAgent(
  q: QueueRt,
  rt: ItemRt,
  now: number,
  c: { members: readonly AgentRt[]; last: AgentRt | undefined; cooldownMs: number },
): AgentRt | null {
  const { members, cooldownMs } = c;
  // A returning customer goes to the agent who served them last, when that agent can take it.
  const a = c.last;
  if (a && a.cfg.teamIds.includes(q.cfg.teamId) && eligible(a, q, rt, now, cooldownMs)) return a;
  const may = (m: AgentRt) => eligible(m, q, rt, now, cooldownMs);
  return q.cfg.strategy === 'round-robin'
    ? roundRobin(q, members, may)
    : leastBusy(members, rt.item.kind, may);
}

/** The next member who `may` take it after the last one offered, moving the queue's cursor past them. */
function roundRobin(q: QueueRt, members: readonly AgentRt[], may: (a: AgentRt) => boolean): AgentRt | null {
  for (let i = 0; i < members.length; i++) {
    const idx = (q.rr + i) % members.length;
    const a = members[idx]!;
    if (may(a)) {
      q.rr = idx + 1;
      return a;
    }
  }
  return null;
}

/**
 * least-busy, and skills (candidates already filtered by skills): lowest load share of kind `k`
 * first, then the one offered work longest ago, then by id for determinism.
 */
function leastBusy(members: readonly AgentRt[], k: WorkKind, may: (a: AgentRt) => boolean): AgentRt | null {
  let best: AgentRt | null = null;
  let bestScore = Infinity;
  for (const a of members) {
    if (!may(a)) continue;
    const score = (a.load[k] + a.offered[k]) / a.capacity[k];
    if (
      score < bestScore ||
      (score === bestScore &&
        best &&
        (a.lastOfferAt < best.lastOfferAt || (a.lastOfferAt === best.lastOfferAt && a.cfg.id < best.cfg.id)))
    ) {
      best = a;
      bestScore = score;
    }
  }
  return best;
}
