import type { TFunction } from 'i18next';
import type { ConversationView } from '../../../shared/views';

/** A conversation in one line: "Email · Pending · Order status" (no subject, no trailing dot). */
export function conversationLine(t: TFunction, c: Pick<ConversationView, 'channel' | 'status' | 'subject'>) {
  return [t(`channels.${c.channel}`), t(`inbox.statuses.${c.status}`), c.subject].filter(Boolean).join(' · ');
}
