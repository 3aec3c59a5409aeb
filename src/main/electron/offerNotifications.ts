import { Notification } from 'electron';
import type { OfferView } from '../../shared/sync/protocol';
import type { Services } from '../services';

/**
 * A desktop notification for each new offer, so it reaches the agent with the window hidden or
 * minimized; clicking it brings the window forward where the offer waits to be accepted.
 */
export function notifyOffers(services: Services, showWindow: () => void): void {
  let seen = new Set<string>();
  services.events.subscribe((event, payload) => {
    if (event !== 'inbox:offersChanged') return;
    const offers = payload as OfferView[];
    for (const o of offers) {
      if (seen.has(o.offerId) || !Notification.isSupported()) continue;
      const n = new Notification({
        title: `Switchboard: new ${o.channel}`,
        body: `${o.customerName || 'A customer'}${o.subject ? `: ${o.subject}` : ''}`,
        urgency: 'critical',
      });
      n.on('click', showWindow);
      n.show();
    }
    seen = new Set(offers.map((o) => o.offerId));
  });
}
