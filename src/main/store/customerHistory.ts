import type { CustomerHistoryItem } from '../../shared/views';
import { callsOfCustomer, profileConversations } from './calls';
import type { Db } from './statements';
import { latestOf } from './messages';

/** How far back the history beside a conversation reaches: enough to know the customer, bounded. */
const CONVERSATIONS = 10;
const PER_CONVERSATION = 5;
const CALLS = 10;
const ITEMS = 40;
const EXCERPT = 160;

const excerpt = (s: string) => s.replace(/\s+/g, ' ').trim().slice(0, EXCERPT);

/**
 * The customer's recent history on every channel, newest first: the latest messages and notes of
 * their other conversations (chat, email, messaging...) and their calls, so an agent answering one
 * channel sees what was said on the others. From the local cache, offline too.
 */
export function customerHistory(
  db: Db,
  customerId: string,
  exceptConversationId: string,
): CustomerHistoryItem[] {
  const convs = profileConversations(db, customerId)
    .filter((c) => c.id !== exceptConversationId)
    .slice(0, CONVERSATIONS);
  const items: CustomerHistoryItem[] = [];
  for (const c of convs) {
    for (const m of latestOf(db, c.id, PER_CONVERSATION))
      items.push({
        kind: m.kind,
        id: m.id,
        conversationId: c.id,
        channel: c.channel,
        subject: c.subject,
        at: m.createdAt,
        text: excerpt(m.body),
        direction: m.kind === 'message' ? m.direction : null,
      });
  }
  for (const call of callsOfCustomer(db, customerId, CALLS)) {
    if (call.conversationId === exceptConversationId) continue;
    items.push({
      kind: 'call',
      id: call.id,
      conversationId: call.conversationId ?? '',
      channel: 'voice',
      subject: call.disposition ?? '',
      at: call.startedAt,
      text: excerpt(call.note),
      direction: call.direction,
    });
  }
  return items.sort((a, b) => b.at.localeCompare(a.at) || b.id.localeCompare(a.id)).slice(0, ITEMS);
}
