import type { Channel, ConversationStatus } from './sync/entities';

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
 * no email address (add one to the profile), the API inbox has no webhook to carry it back (an admin
 * sets one), the web chat was closed (its visitor was asked for a rating and may have left; reopen
 * it to write again), the web chat's visitor left (closed the page and did not come back within the
 * grace: nobody would read it), or the channel has no connector on this relay (sms, WhatsApp, WeChat).
 */
export type ReplyRefusal = 'voice' | 'noAddress' | 'noWebhook' | 'chatClosed' | 'visitorLeft' | 'noConnector';

/** What the rule reads of the conversation besides its channel: its status and its inbox. */
export type ReplyConversation = {
  status: ConversationStatus;
  /** Whether the conversation's inbox has a webhook (the synced inbox record's `webhook`). */
  inboxWebhook: boolean;
  /** The conversation's own address to write to (email; ConversationData.to), if it has one. */
  to?: string | undefined;
  /** When the web chat's visitor left (ConversationData.visitorLeftAt); absent or null: still there. */
  visitorLeftAt?: string | null | undefined;
};

/**
 * What the rule reads: the conversation's channel, the customer's addresses (the profile's), the
 * conversation's status, its own address (email), whether its visitor left (web chat) and whether
 * its inbox has a webhook.
 */
export function replyRoute(
  channel: Channel,
  customer: { emails: readonly string[] } | null,
  conversation: ReplyConversation,
): ReplyRoute {
  switch (channel) {
    case 'chat':
      // A closed chat's visitor saw it end; the customer writing again (or an agent) reopens it.
      if (conversation.status === 'resolved') return { ok: false, reason: 'chatClosed' };
      // A visitor who left reads nothing more; their coming back (or writing again) clears it.
      return conversation.visitorLeftAt
        ? { ok: false, reason: 'visitorLeft' }
        : { ok: true, channel: 'chat' };
    case 'api':
      return conversation.inboxWebhook ? { ok: true, channel: 'api' } : { ok: false, reason: 'noWebhook' };
    case 'email': {
      // The address the agent chose or the customer last wrote from; else the profile's first.
      const to = conversation.to || customer?.emails[0];
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
  noWebhook:
    'This API inbox has no webhook, so nothing would carry this reply back to the system that posted the conversation; an admin sets one (PUT /v1/admin/inboxes/:id/webhook), or write a note instead.',
  chatClosed:
    'This web chat is closed and its visitor may have left, so this reply was not sent; reopen the conversation to write again, or write a note instead.',
  visitorLeft:
    'The visitor left the chat, so this reply would reach nobody; write to them by email or call them if their profile has an address or number, or write a note instead. If they come back to the chat, you can reply again.',
  noConnector:
    'This channel has no connection on the relay, so nothing would deliver this reply; write a note instead.',
};

/**
 * Which of the customer's addresses `to` is (case aside), in the profile's spelling, or null when
 * it is none of them: an email conversation writes only to an address of its customer.
 */
export function customerAddress(emails: readonly string[], to: string): string | null {
  const want = to.trim().toLowerCase();
  return emails.find((e) => e.toLowerCase() === want) ?? null;
}
