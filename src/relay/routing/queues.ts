import type { QueueConfig, RoutingEffect, WorkItem } from './types';
import type { EngineState, ItemRt } from './engineState';

// Queues and the work waiting in them: arrival, position, and the overflow of long waits.

/** Adds a queue or takes its changed config (the round-robin cursor stays). */
export function upsertQueue(s: EngineState, cfg: QueueConfig): void {
  const q = s.queues.get(cfg.id);
  if (q) q.cfg = cfg;
  else s.queues.set(cfg.id, { cfg, rr: 0 });
}

/** A new item at the back of its queue, waiting since now. */
export function addItem(s: EngineState, item: WorkItem): ItemRt {
  const rt: ItemRt = {
    item,
    queueId: item.queueId,
    queuedAt: s.now(),
    offer: null,
    assignedTo: null,
    declined: new Map(),
  };
  s.items.set(item.conversationId, rt);
  return rt;
}

/** Waiting work past its queue's overflow time moves to the overflow queue (unless moved elsewhere). */
export function overflowLongWaits(s: EngineState, now: number): RoutingEffect[] {
  const effects: RoutingEffect[] = [];
  for (const rt of s.items.values()) {
    const q = s.queues.get(rt.queueId);
    if (rt.assignedTo || rt.offer || !q?.cfg.overflow || !s.owns(rt.queueId)) continue;
    if (
      now - rt.queuedAt >= q.cfg.overflow.afterMs &&
      s.queues.has(q.cfg.overflow.toQueueId) &&
      !s.ownOverflow(rt.item)
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

/** How many items wait without an agent, in every queue. */
export function waitingCount(s: EngineState): number {
  let n = 0;
  for (const rt of s.items.values()) if (!rt.assignedTo) n++;
  return n;
}

/** Position of a waiting conversation in its queue (1 = next), or null once assigned. */
export function queuePosition(s: EngineState, conversationId: string): number | null {
  const me = s.items.get(conversationId);
  if (!me || me.assignedTo) return null;
  let pos = 1;
  for (const rt of s.items.values()) {
    if (rt === me) return pos;
    if (rt.queueId === me.queueId && !rt.assignedTo) pos++;
  }
  return null;
}
