import type { ConversationData } from '../../shared/sync/entities';
import type { RoutingDeps } from './deps';
import type { RoutingEngine } from './engine';
import type { EngineFeed } from './fromStore';
import { workItemOf } from './fromStore';
import type { RoutingEffects } from './effects';

/**
 * Routing state lives in memory; the conversations are in the store. After a (re)start, put it
 * back: every assigned, unresolved conversation counts against its agent's capacity again and
 * stays theirs as if they had just dropped: async work whatever happens, live work until their
 * team's grace (counted from the start) ends and then only if its customer still waits; every
 * unassigned open or pending one waits in its queue again, oldest first. Without this a restart
 * would forget the queue and let agents go over capacity.
 */
export function recoverRouting(
  d: RoutingDeps,
  engine: RoutingEngine,
  feed: EngineFeed,
  apply: RoutingEffects['apply'],
): void {
  const rows = d.db
    .prepare<[], { id: string; data: string }>(
      `SELECT id, data FROM records WHERE entity = 'conversation' AND deleted = 0
         AND json_extract(data, '$.status') <> 'resolved'`,
    )
    .all();
  const convs = rows
    .map((r) => ({ id: r.id, data: JSON.parse(r.data) as Partial<ConversationData> }))
    .sort((a, b) => String(a.data.createdAt).localeCompare(String(b.data.createdAt)));
  const assignees = new Set<string>();
  for (const c of convs) {
    const item = workItemOf(c.id, c.data);
    if (!item) continue;
    if (c.data.assigneeId) {
      if (!assignees.has(c.data.assigneeId)) {
        feed.know(c.data.assigneeId);
        // Before any tick: the grace starts now, not at "disconnected since forever".
        engine.awaitReturn(c.data.assigneeId);
        assignees.add(c.data.assigneeId);
      }
      engine.enqueue(item, c.data.assigneeId);
    } else if (c.data.status === 'open' || c.data.status === 'pending') {
      apply(engine.enqueue(item));
    }
  }
  if (convs.length > 0)
    d.log.info({ conversations: convs.length, agents: assignees.size }, 'routing recovered');
}
