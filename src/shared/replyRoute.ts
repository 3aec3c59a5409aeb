import type { Channel } from './sync/entities';

/**
 * Where an agent's reply on a conversation goes out, or why it cannot go anywhere. One rule for the
 * app (the composer says it before anything is queued) and the relay (it refuses the same reply
 * with RELAY_ERR_UNDELIVERABLE and stores nothing), so a reply is never stored silently undelivered.
 */
export type ReplyRoute =
  | { ok: true; channel: 'chat' }
  | { ok: true; channel: 'email'; to: string }
  | { ok: true; channel: 'api' }
  | { ok: false; reason: ReplyRefusal };

/**
 * Why a reply cannot be delivered: a call has no written channel (write a note), the customer has
 * no email address (add one to the profile), or the channel has no connector on this relay (sms,
 * WhatsApp, WeChat: nothing would carry the reply).
 */
export type ReplyRefusal = 'voice' | 'noAddress' | 'noConnector';

/** What the rule reads: the conversation's channel and the customer's addresses (the profile's). */
export function replyRoute(channel: Channel, customer: { emails: readonly string[] } | null): ReplyRoute {
  switch (channel) {
    case 'chat':
      return { ok: true, channel: 'chat' };
    case 'api':
      return { ok: true, channel: 'api' };
    case 'email': {
      const to = customer?.emails[0];
      return to ? { ok: true, channel: 'email', to } : { ok: false, reason: 'noAddress' };
    }
    case 'voice':
      return { ok: false, reason: 'voice' };
    default:
      return { ok: false, reason: 'noConnector' };
  }
}

/** The relay's answer to a refused reply (English; the app shows its own text by reason). */
export const REPLY_REFUSAL_TEXT: Record<ReplyRefusal, string> = {
  voice: 'A voice conversation has no written channel to the customer; write a note instead.',
  noAddress:
    'The customer has no email address, so this reply could not be sent; add an address to the profile or write a note instead.',
  noConnector:
    'This channel has no connection on the relay, so nothing would deliver this reply; write a note instead.',
};
