// The browser host's wire protocol, declared once for both ends: main/browserHost serves it,
// renderer/api/wsTransport speaks it.
import { z } from 'zod';
import type { ApiResult } from './errors';

/** WebSocket subprotocol of the browser host; the per-launch secret rides in a second one. */
export const HOST_PROTOCOL = 'switchboard.v1';
export const SECRET_PROTOCOL_PREFIX = 'k.';

/** Close codes, as named constants (hocuspocus style). */
export const HOST_CLOSE = { TOO_BIG: 1009, UNAUTHORIZED: 4401, TIMEOUT: 4408 } as const;

export const callFrameSchema = z
  .object({
    type: z.literal('call'),
    id: z.number().int().nonnegative(),
    channel: z.string().max(200),
    args: z.unknown().optional(),
  })
  .strict();
export type CallFrame = z.infer<typeof callFrameSchema>;

export type ServerFrame =
  | { type: 'result'; id: number; result: ApiResult<unknown> }
  | { type: 'event'; event: string; payload: unknown }
  | { type: 'error'; id: number | null; result: ApiResult<never> };
