import { Notification } from 'electron';
import type { OfferView } from '../../shared/sync/protocol';
import type { Services } from '../services';
import { offerNotificationText } from '../services/notificationText';

/**
 * A desktop notification for each new offer, so it reaches the agent with the window hidden or
 * minimized. Its Accept action (or a click on it) accepts the offer and opens the conversation;
 * Decline passes it on. Where the OS shows no actions, a click accepts.
 */
export function notifyOffers(services: Services, showWindow: () => void): void {
  let seen = new Set<string>();
  services.events.subscribe((event, payload) => {
    if (event !== 'inbox:offersChanged') return;
    const offers = payload as OfferView[];
    for (const o of offers) {
      if (seen.has(o.offerId) || !Notification.isSupported()) continue;
      const text = offerNotificationText(services.settings.get().language, o);
      const n = new Notification({
        title: text.title,
        body: text.body,
        urgency: 'critical',
        actions: [
          { type: 'button', text: text.accept },
          { type: 'button', text: text.decline },
        ],
      });
      const answer = (accept: boolean) => {
        const { sent } = services.session.replyOffer(o.offerId, accept);
        if (sent && accept)
          services.events.emit('inbox:openConversation', { conversationId: o.conversationId });
        showWindow();
      };
      n.on('click', () => answer(true));
      n.on('action', (_e, index) => answer(index === 0));
      n.show();
    }
    seen = new Set(offers.map((o) => o.offerId));
  });
}
