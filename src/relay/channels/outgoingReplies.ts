import type { Change, Channel } from '../../shared/sync/entities';
import type { AsyncStoreReads } from '../data/asyncStore';
import type { Database } from '../data/db';
import type { IdentityReads } from '../data/identityData';
import type { Store } from '../data/store';

export type OutgoingReply = { messageId: string; conversationId: string; inboxId: string };

/**
 * Agents' new replies in committed changes on conversations whose inbox is of `channel`: the
 * outgoing messages a channel's outbox must send (those with a delivery state are its own
 * writes and are left out). One rule for every channel that sends replies (email, API webhook).
 */
export function outgoingReplies(db: Database, store: Store, channel: Channel) {
  const channelOf = db.prepare<[string], { channel: string }>('SELECT channel FROM inboxes WHERE id = ?');
  return (changes: readonly Change[]): OutgoingReply[] => {
    const out: OutgoingReply[] = [];
    for (const c of changes) {
      if (c.entity !== 'message' || !c.data || c.data['direction'] !== 'out' || c.data['delivery']) continue;
      const conversationId = c.data['conversationId'];
      if (typeof conversationId !== 'string') continue;
      const inboxId = store.get('conversation', conversationId)?.data['inboxId'];
      if (typeof inboxId !== 'string' || channelOf.get(inboxId)?.channel !== channel) continue;
      out.push({ messageId: c.id, conversationId, inboxId });
    }
    return out;
  };
}

/**
 * outgoingReplies on the asynchronous contracts: conversations read from the store, inboxes from
 * the identity repository (for the channels on AsyncStore; the same rule).
 */
export function outgoingRepliesAsync(
  store: Pick<AsyncStoreReads, 'get'>,
  identity: Pick<IdentityReads, 'inbox'>,
  channel: Channel,
) {
  return async (changes: readonly Change[]): Promise<OutgoingReply[]> => {
    const out: OutgoingReply[] = [];
    for (const c of changes) {
      if (c.entity !== 'message' || !c.data || c.data['direction'] !== 'out' || c.data['delivery']) continue;
      const conversationId = c.data['conversationId'];
      if (typeof conversationId !== 'string') continue;
      const inboxId = (await store.get('conversation', conversationId))?.data['inboxId'];
      if (typeof inboxId !== 'string' || (await identity.inbox(inboxId))?.channel !== channel) continue;
      out.push({ messageId: c.id, conversationId, inboxId });
    }
    return out;
  };
}
