import { z } from 'zod';
import { ATTACHMENT_TYPES, type AttachmentOptions } from './attachments';

/** Per-inbox settings of the web chat widget. */
export type WebchatInboxConfig = {
  /**
   * Origins (`https://shop.example`) whose pages may embed the widget. Missing or empty: every
   * origin is allowed, which suits the demo; set it for any real deployment.
   */
  allowedOrigins?: string[];
  /** Secret of the host site's signed identities (`data-user-hash` = HMAC-SHA256 hex of the id). */
  identitySecret?: string;
  /** Hours within which the offline form promises an answer. Default: the top-level setting. */
  offlineReplyHours?: number;
};

/** Options of the web chat channel; every limit has a default. */
export type WebchatOptions = {
  /** Settings by inbox id. Default: none (every origin allowed, no signed identities). */
  inboxes?: Record<string, WebchatInboxConfig>;
  /** Longest visitor message, in characters. Default 2,000. */
  maxMessageLength?: number;
  /** Visitor frames per second per socket, with a burst. Default 2/s, burst 10. */
  rateLimit?: { perSecond: number; burst: number };
  /** Sessions started per second per IP address, with a burst. Default 0.2/s, burst 10. */
  sessionRateLimit?: { perSecond: number; burst: number };
  /** Lifetime of a visitor token. Default 30 days. */
  tokenTtlMs?: number;
  /** Largest visitor frame, in bytes. Default 16 KiB. */
  maxPayload?: number;
  /** How often waiting visitors hear their queue position. Default 2 s. */
  queueTickMs?: number;
  /** Files visitors may attach: size (default 10 MiB), count (default 5) and types (default all). */
  attachments?: AttachmentOptions;
  /** Hours within which the offline form promises an answer, when no agent is there. Default 24. */
  offlineReplyHours?: number;
  /**
   * How long after a visitor's socket closed, without them back, the chat records that its visitor
   * left (replies are then refused). Default: the conversation's team's away grace (180 s unless
   * the team set one), the presence grace agents get on a drop.
   */
  visitorGoneMs?: number;
};

/** Hours within which an offline form promises an answer: 1 to 336 (two weeks). */
const replyHours = z
  .number()
  .int()
  .min(1)
  .max(24 * 14)
  .optional();
const rate = z.object({ perSecond: z.number().positive(), burst: z.number().min(1) }).strict();
/** The web chat settings file (`relay serve --webchat file.json`), checked before the relay starts. */
export const webchatOptionsSchema = z
  .object({
    inboxes: z
      .record(
        z.string().max(64),
        z
          .object({
            allowedOrigins: z.array(z.string().url().max(200)).max(100).optional(),
            identitySecret: z.string().min(16).max(200).optional(),
            offlineReplyHours: replyHours,
          })
          .strict(),
      )
      .optional(),
    maxMessageLength: z.number().int().min(1).max(20_000).optional(),
    rateLimit: rate.optional(),
    sessionRateLimit: rate.optional(),
    tokenTtlMs: z.number().int().positive().optional(),
    maxPayload: z.number().int().positive().optional(),
    queueTickMs: z.number().int().positive().optional(),
    attachments: z
      .object({
        maxBytes: z
          .number()
          .int()
          .min(1)
          .max(100 * 1024 * 1024)
          .optional(),
        maxFiles: z.number().int().min(1).max(20).optional(),
        unsentTtlMs: z.number().int().positive().optional(),
        types: z.array(z.enum(ATTACHMENT_TYPES)).optional(),
      })
      .strict()
      .optional(),
    offlineReplyHours: replyHours,
    visitorGoneMs: z.number().int().min(1).max(86_400_000).optional(),
  })
  .strict();
