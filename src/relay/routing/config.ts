import { z } from 'zod';
import { UUID_RE } from '../../shared/sync/ids';
import { DEFAULT_CAPACITY, type Strategy, type WorkKind } from './types';

const uuid = z.string().regex(UUID_RE, 'must be a UUID');
const skill = z.string().min(1).max(64);

/** How an inbox's queue routes: kept on the inbox record (`routing`), so it syncs like the inbox. */
export const queueRoutingSchema = z
  .object({
    strategy: z.enum(['round-robin', 'least-busy', 'skills']),
    requiredSkills: z.array(skill).max(20),
    offerTimeoutMs: z.number().int().min(5_000).max(600_000),
    overflow: z
      .object({ afterMs: z.number().int().min(10_000).max(86_400_000), toInboxId: uuid })
      .strict()
      .nullable(),
  })
  .strict();
export type QueueRouting = z.infer<typeof queueRoutingSchema>;

/** An agent's skills and capacity per kind of work: kept on the agent record. */
export const agentRoutingSchema = z
  .object({
    skills: z.array(skill).max(50).optional(),
    capacity: z
      .object({
        call: z.number().int().min(0).max(10).optional(),
        chat: z.number().int().min(0).max(50).optional(),
        email: z.number().int().min(0).max(200).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const DEFAULT_QUEUE_ROUTING: QueueRouting = {
  strategy: 'least-busy' satisfies Strategy,
  requiredSkills: [],
  offerTimeoutMs: 30_000,
  overflow: null,
};

/** The queue routing stored on an inbox record, or the defaults (stored values are trusted only after parsing). */
export function queueRoutingOf(data: Record<string, unknown> | undefined): QueueRouting {
  const r = queueRoutingSchema.safeParse(data?.['routing']);
  return r.success ? r.data : DEFAULT_QUEUE_ROUTING;
}

/** An agent's capacity per kind of work from its record, over the defaults (1 call, 5 chats, 10 emails). */
export function capacityOf(data: Record<string, unknown> | undefined): Record<WorkKind, number> {
  const r = agentRoutingSchema.shape.capacity.safeParse(data?.['capacity']);
  return { ...DEFAULT_CAPACITY, ...(r.success && r.data ? r.data : {}) } as Record<WorkKind, number>;
}
