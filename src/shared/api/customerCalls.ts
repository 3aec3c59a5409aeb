import { z } from 'zod';
import { E164_RE } from '../phone';
import { RECORDING_MIME_TYPES } from '../recording';
import { mutationArgs, TEXT_LIMITS } from '../sync/mutations';
import type { CallView, CustomerDetail, CustomerView, ScreenPop } from '../views';
import { call, id, noArgs, page } from './call';

// The app API's calls about customers, the calls logged with them and the calls' recordings.
// Spread into `apiCalls` in api.ts.

const customerFields = mutationArgs['customer.update'].shape.fields;

export const customerCalls = {
  'customers:list': call<CustomerView[]>()(z.object(page).strict()),
  'customers:get': call<CustomerDetail>()(z.object({ id }).strict()),
  'customers:create': call<CustomerView>()(
    z.object({ fields: mutationArgs['customer.create'].shape.fields }).strict(),
  ),
  'customers:update': call<CustomerView>()(z.object({ id, fields: customerFields }).strict()),
  /** Merges the source profile into the target (same person); returns the target. Undoable. */
  'customers:merge': call<CustomerView>()(mutationArgs['customer.merge']),
  /** Undoes the merge of this profile into another; returns it, a profile of its own again. */
  'customers:unmerge': call<CustomerView>()(z.object({ sourceId: id }).strict()),
  /** Screen-pop: the customer with this E.164 number in the local cache, or null. */
  'customers:lookupPhone': call<{ pop: ScreenPop | null }>()(
    z.object({ phone: z.string().regex(E164_RE) }).strict(),
  ),
  /**
   * Logs a finished call with its wrap-up in a voice conversation of the customer (the open one, or
   * a new one); an unknown caller (no customerId) becomes a customer named `newCustomerName`.
   */
  'calls:log': call<CallView>()(
    z
      .object({
        customerId: id.nullable(),
        /** The call's own conversation (a queue call's, or one the agent placed); else found as above. */
        conversationId: id.optional(),
        newCustomerName: z.string().trim().min(1).max(TEXT_LIMITS.name).optional(),
        newCustomerPhone: z.string().regex(E164_RE).optional(),
        ...mutationArgs['call.log'].omit({ id: true, conversationId: true }).shape,
      })
      .strict(),
  ),
  /**
   * An event of a live call (answered, held, resumed, transferred, ended), written to the call's
   * conversation through the outbox: offline too, and reaching the relay once, in order.
   */
  'calls:event': call<{ ok: true }>()(mutationArgs['call.event'].omit({ id: true })),
  /**
   * The agent dials a customer's number: a new voice conversation in the agent's team inbox,
   * assigned to them, for the customer with that number (matched here, or created). Returns it.
   */
  'calls:dial': call<{ conversationId: string; customerId: string }>()(
    z.object({ phone: z.string().regex(E164_RE), customerId: id.nullable() }).strict(),
  ),
  /** Whether this agent's calls are recorded (team setting), the consent text, and playback right. */
  'recordings:policy': call<{ enabled: boolean; consentText: string; canPlay: boolean }>()(noArgs),
  /**
   * Hands over a call's recording in order, chunk by chunk (at most 512 KiB each, base64); `final`
   * on the last. Kept in the encrypted cache until the relay has it.
   */
  'recordings:save': call<{ bytes: number; complete: boolean }>()(
    z
      .object({
        id,
        seq: z.number().int().min(0).max(100_000),
        base64: z
          .string()
          .max(700_000)
          .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64'),
        final: z
          .object({ mime: z.enum(RECORDING_MIME_TYPES), durationMs: z.number().int().min(0).max(86_400_000) })
          .strict()
          .optional(),
      })
      .strict(),
  ),
  /** A window (up to 512 KiB) of a call's recording for playback: the local copy, else the relay's. */
  'recordings:read': call<{ mime: string; total: number; offset: number; base64: string }>()(
    z.object({ id, offset: z.number().int().min(0) }).strict(),
  ),
};
