import { Notification } from 'electron';
import type { MentionNotice } from '../../shared/api';
import type { Services } from '../services';
import { mentionNotificationText } from '../services/mentionNotices';

/**
 * A desktop notification for each note that mentions the agent (main decides which, see
 * services/mentionNotices.ts), so it reaches them with the window hidden; a click opens the
 * conversation.
 */
export function notifyMentions(services: Services, showWindow: () => void): void {
  services.events.subscribe((event, payload) => {
    if (event !== 'inbox:mentioned' || !Notification.isSupported()) return;
    const m = payload as MentionNotice;
    const n = new Notification(mentionNotificationText(m, services.settings.get().language));
    n.on('click', () => {
      services.events.emit('inbox:openConversation', { conversationId: m.conversationId });
      showWindow();
    });
    n.show();
  });
}
