import type { Change, Channel } from '../../shared/sync/entities';
import type { AsyncStoreReads } from '../data/asyncStore';
import type { IdentityReads } from '../data/identityData';

export type OutgoingReply = { messageId: string; conversationId: string; inboxId: string };

/**
 * Agents' new replies in committed changes on conversations whose inbox is of `channel`: the
 * outgoing messages a channel's outbox must send (those with a delivery state are its own
 * writes and are left out). One rule for every channel that sends replies (email, API webhook).
 * The conversation is taken from the same commit when it is there (a reply moves its
 * lastMessageAt), else read from the store; inboxes come from the identity repository.
 */
export function outgoingReplies(
  store: Pick<AsyncStoreReads, 'get'>,
  identity: Pick<IdentityReads, 'inbox'>,
  channel: Channel,
) {
  return async (changes: readonly Change[]): Promise<OutgoingReply[]> => {
    const out: OutgoingReply[] = [];
    const inCommit = new Map<string, unknown>();
    const channels = new Map<string, string | undefined>();
    for (const c of changes) if (c.entity === 'conversation' && c.data) inCommit.set(c.id, c.data['inboxId']);
    for (const c of changes) {
      if (c.entity !== 'message' || !c.data || c.data['direction'] !== 'out' || c.data['delivery']) continue;
      const conversationId = c.data['conversationId'];
      if (typeof conversationId !== 'string') continue;
      const inboxId = inCommit.has(conversationId)
        ? inCommit.get(conversationId)
        : (await store.get('conversation', conversationId))?.data['inboxId'];
      if (typeof inboxId !== 'string') continue;
      if (!channels.has(inboxId)) channels.set(inboxId, (await identity.inbox(inboxId))?.channel);
      if (channels.get(inboxId) !== channel) continue;
      out.push({ messageId: c.id, conversationId, inboxId });
    }
    return out;
  };
}
