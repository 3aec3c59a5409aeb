import type { RoutingDeps } from './deps';
import type { RoutingEngine } from './engine';
import type { EngineFeed } from './fromStore';
import { workItemOf } from './fromStore';
import type { RoutingModel } from './model';
import type { RoutingEffect } from './types';

/**
 * Routing state lives in memory; the conversations are in the store. After a (re)start, put it
 * back from the model just loaded: every assigned, unresolved conversation counts against its
 * agent's capacity again and stays theirs as if they had just dropped: async work whatever
 * happens, live work until their team's grace (counted from the start) ends and then only if its
 * customer still waits; every unassigned open or pending one waits in its queue again, oldest
 * first. Without this a restart would forget the queue and let agents go over capacity.
 * `queues`: only the work of these queues (ones this relay just gained). Resolves to the effects.
 */
export async function recoverRouting(
  d: RoutingDeps,
  engine: RoutingEngine,
  feed: EngineFeed,
  model: RoutingModel,
  queues?: ReadonlySet<string>,
): Promise<RoutingEffect[]> {
  const convs = model
    .openConversations()
    .filter((c) => !queues || (c.data.inboxId && queues.has(c.data.inboxId)))
    .sort((a, b) => String(a.data.createdAt).localeCompare(String(b.data.createdAt)));
  const assignees = new Set<string>();
  for (const c of convs) if (c.data.assigneeId) assignees.add(c.data.assigneeId);
  for (const agentId of assignees) {
    if (feed.isKnown(agentId)) continue;
    await feed.know(agentId);
    // Before any tick: the grace starts now, not at "disconnected since forever".
    engine.awaitReturn(agentId);
  }
  const effects: RoutingEffect[] = [];
  let recovered = 0;
  for (const c of convs) {
    const item = workItemOf(c.id, c.data);
    if (!item || engine.holds(c.id)) continue;
    if (c.data.assigneeId) {
      engine.enqueue(item, c.data.assigneeId);
      recovered += 1;
    } else if (c.data.status === 'open' || c.data.status === 'pending') {
      effects.push(...engine.enqueue(item));
      recovered += 1;
    }
  }
  if (recovered > 0) d.log.info({ conversations: recovered, agents: assignees.size }, 'routing recovered');
  return effects;
}
