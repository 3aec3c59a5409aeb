import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { RELAY_ERR } from '../../shared/sync/protocol';
import { RelayError } from '../core/errors';
import type { Inbound } from './inbound';
import { readJsonBody } from '../http/reply';
import { targetOf } from '../http/requestTarget';

const bodySchema = z
  .object({
    inboxId: z.string().max(64),
    from: z
      .object({
        name: z.string().max(200).optional(),
        email: z.string().max(254).optional(),
        phone: z.string().max(40).optional(),
        defaultRegion: z.string().length(2).optional(),
      })
      .strict(),
    text: z.string().max(20_000),
    subject: z.string().max(500).optional(),
    /** The caller's own id for the conversation, sent back with each reply on the inbox's webhook. */
    externalId: z.string().min(1).max(200).optional(),
  })
  .strict();

/**
 * The API channel: `POST /v1/channels/api/messages` with `{inboxId, from, text, externalId?}`, for
 * systems that hand conversations to the contact center (order systems, IVR, a messaging provider's
 * webhook adapter); agents' replies go back on the inbox's webhook (api/webhook.ts). Callers
 * authenticate with an inbox's API key or as an admin. Returns false for other routes.
 */
export function createApiChannelHandler(opts: {
  inbound: Pick<Inbound, 'receive'>;
  /** The caller: an inbox's API key (that inbox only) or an admin account (`inboxId` null: any). */
  authenticate: (req: IncomingMessage) => Promise<{ inboxId: string | null }>;
  maxBodyBytes: number;
  /** Deepest JSON nesting accepted (the relay's `maxJsonDepth`). */
  maxJsonDepth: number;
}) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (targetOf(req).path !== '/v1/channels/api/messages') return false;
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
      return true;
    };
    try {
      if (req.method !== 'POST') throw new RelayError(RELAY_ERR.VALIDATION, 'Use POST.');
      // Before the body: who calls (an inbox's API key, or an admin account for any inbox).
      const caller = await opts.authenticate(req);
      const json = await readJsonBody(req, opts.maxBodyBytes, opts.maxJsonDepth);
      const parsed = bodySchema.safeParse(json);
      if (!parsed.success) {
        const i = parsed.error.issues[0];
        throw new RelayError(
          RELAY_ERR.VALIDATION,
          `${i?.path.join('.') || 'body'}: ${i?.message ?? 'invalid'}`,
        );
      }
      const b = parsed.data;
      if (caller.inboxId !== null && caller.inboxId !== b.inboxId)
        throw new RelayError(RELAY_ERR.FORBIDDEN, 'This API key is for another inbox.');
      const from = Object.fromEntries(Object.entries(b.from).filter(([, v]) => v !== undefined));
      return reply(
        201,
        await opts.inbound.receive({
          inboxId: b.inboxId,
          from,
          text: b.text,
          ...(b.subject ? { subject: b.subject } : {}),
          ...(b.externalId ? { externalId: b.externalId } : {}),
        }),
      );
    } catch (err) {
      if (err instanceof RelayError)
        return reply(err.httpStatus, { error: { code: err.code, message: err.message } });
      throw err;
    }
  };
}
