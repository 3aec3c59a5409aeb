import { z } from 'zod';

/**
 * The body of `PUT /v1/admin/inboxes/:inboxId/webhook`: where an API inbox's replies go and,
 * optionally, the secret they are signed with (without it the relay keeps the one it has, or makes
 * one and answers it once). The relay checks it; the app checks the same before it asks.
 */
export const webhookBodySchema = z
  .object({
    url: z
      .string()
      .max(2000)
      .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), 'an http:// or https:// URL'),
    secret: z.string().min(16, 'at least 16 characters').max(200).optional(),
  })
  .strict();
