import { z } from 'zod';

/** What the relay learned of a call, as written on its conversation's `call` field (with history). */
export type CallState =
  'queued' | 'offered' | 'ringing' | 'talking' | 'held' | 'transferred' | 'ended' | 'abandoned' | 'callback';

const ids = { tindex: z.number().int().nonnegative(), tlabel: z.number().int().nonnegative() };
export const callIdSchema = z.string().min(1).max(256);
const callId = callIdSchema;

/** The frames Kamailio sends over evapi (deploy/kamailio/switchboard.cfg, WITH_QUEUES). */
export const frameSchema = z.discriminatedUnion('t', [
  z.object({
    t: z.literal('queued'),
    callId,
    from: z.string().max(512),
    fromName: z.string().max(256).optional(),
    to: z.string().max(512),
    fromTag: z.string().max(256).optional(),
    ...ids,
  }),
  z.object({ t: z.enum(['declined', 'noanswer', 'failed']), code: z.number().int(), callId, ...ids }),
  z.object({ t: z.enum(['ringing', 'answered']), callId, ...ids }),
  z.object({ t: z.literal('cancel'), callId }),
  z.object({ t: z.literal('bye'), callId, fromTag: z.string().max(256).optional() }),
  z.object({ t: z.enum(['held', 'resumed', 'refer']), callId, fromTag: z.string().max(256).optional() }),
]);
export type Frame = z.infer<typeof frameSchema>;
export type QueuedFrame = Extract<Frame, { t: 'queued' }>;

/** The `call` field as writeCallState leaves it (only what a restart needs). */
export const persistedCallSchema = z.object({
  state: z.string(),
  callId,
  tindex: ids.tindex,
  tlabel: ids.tlabel,
  from: z.string(),
  queuedAt: z.string(),
});
