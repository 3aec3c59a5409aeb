import { z } from 'zod';
import { UUID_RE } from '../../shared/sync/ids';
import { openingHoursSchema } from './openingHours';

/** Limits of a queue's phone settings; the relay's schema and any form share them. */
export const PHONE_LIMITS = {
  addresses: 10,
  address: 64,
  waitLimitMs: { min: 1_000, max: 3_600_000 },
  overflowAfterMs: { min: 1_000, max: 3_600_000 },
} as const;

export const DEFAULT_WAIT_LIMIT_MS = 120_000;

/**
 * A queue's phone address, on the inbox record (`phone`): the SIP users or numbers that reach it
 * (`support`, `+86105550100`) and how long a caller waits for an agent before the call ends with
 * a SIP reason and becomes a callback task. Optional: after `overflowAfterMs` with nobody ringing
 * the call moves to the queue `overflowToInboxId` (whose own limits then count from the move), and
 * opening hours, outside which a call is refused at once (480 with a reason) and called back.
 */
export const queuePhoneSchema = z
  .object({
    addresses: z
      .array(
        z
          .string()
          .min(1)
          .max(PHONE_LIMITS.address)
          .regex(/^[A-Za-z0-9._+-]+$/, 'a SIP user or a number: letters, digits, . _ + -'),
      )
      .max(PHONE_LIMITS.addresses),
    waitLimitMs: z.number().int().min(PHONE_LIMITS.waitLimitMs.min).max(PHONE_LIMITS.waitLimitMs.max),
    overflowToInboxId: z.string().regex(UUID_RE, 'must be an inbox id').nullable().optional(),
    overflowAfterMs: z
      .number()
      .int()
      .min(PHONE_LIMITS.overflowAfterMs.min)
      .max(PHONE_LIMITS.overflowAfterMs.max)
      .nullable()
      .optional(),
    hours: openingHoursSchema.nullable().optional(),
  })
  .strict()
  .refine((p) => (p.overflowToInboxId == null) === (p.overflowAfterMs == null), {
    message: 'overflowToInboxId and overflowAfterMs go together: give both or neither',
    path: ['overflowAfterMs'],
  })
  .refine((p) => p.overflowAfterMs == null || p.overflowAfterMs < p.waitLimitMs, {
    message: 'overflowAfterMs must be shorter than waitLimitMs, or the call ends before it overflows',
    path: ['overflowAfterMs'],
  });
export type QueuePhone = z.infer<typeof queuePhoneSchema>;

/** An agent's SIP user at the SIP server (what their softphone registers as), on the agent record. */
export const agentPhoneSchema = z
  .object({
    sipUser: z
      .string()
      .regex(/^[A-Za-z0-9._+-]{1,64}$/, 'letters, digits, . _ + -')
      .nullable(),
  })
  .strict();

/** A stored value is trusted only after parsing. */
export function queuePhoneOf(data: Record<string, unknown> | undefined): QueuePhone | null {
  const r = queuePhoneSchema.safeParse(data?.['phone']);
  return r.success ? r.data : null;
}

export function sipUserOf(data: Record<string, unknown> | undefined): string | null {
  const r = agentPhoneSchema.shape.sipUser.safeParse(data?.['sipUser']);
  return r.success ? r.data : null;
}

/** The user part of a SIP URI (`sip:support@host;x` → `support`), lower-cased; null if none. */
export function sipUserPart(uri: string): string | null {
  const m = /^sips?:([^@;:?]+)@/i.exec(uri.trim());
  if (!m) return null;
  try {
    return decodeURIComponent(m[1]!).toLowerCase();
  } catch {
    return null;
  }
}

/** Whether a dialled user reaches one of a queue's addresses (numbers compare by their digits). */
export function addressMatches(dialled: string, addresses: readonly string[]): boolean {
  const d = dialled.toLowerCase();
  const digits = (s: string) => (/^\+?[\d-]+$/.test(s) ? s.replace(/\D/g, '') : null);
  const dd = digits(d);
  return addresses.some((a) => a.toLowerCase() === d || (dd !== null && digits(a) === dd));
}
