import { Notification } from 'electron';
import type { RingingCall } from '../../shared/api';
import type { Services } from '../services';
import { callNotificationText } from '../services/notificationText';

/**
 * A desktop notification for each incoming call while it rings, so it reaches the agent with the
 * window hidden or minimized, as chat offers do (offerNotifications.ts). Answer (or a click, where
 * the OS shows no actions) answers it in the softphone and shows the window; Decline declines it.
 * A call that stops ringing (answered in the window, taken by a colleague, the caller gave up)
 * closes its notification.
 */
export function notifyRingingCalls(services: Services, showWindow: () => void): void {
  const shown = new Map<string, Notification>();
  services.events.subscribe((event, payload) => {
    if (event !== 'phone:ringingChanged') return;
    const calls = payload as RingingCall[];
    const ids = new Set(calls.map((c) => c.callId));
    for (const [id, n] of shown)
      if (!ids.has(id)) {
        n.close();
        shown.delete(id);
      }
    for (const c of calls) {
      if (shown.has(c.callId) || !Notification.isSupported()) continue;
      const text = callNotificationText(services.settings.get().language, c);
      const n = new Notification({
        title: text.title,
        body: text.body,
        urgency: 'critical',
        actions: [
          { type: 'button', text: text.answer },
          { type: 'button', text: text.decline },
        ],
      });
      const act = (action: 'answer' | 'decline') => {
        services.activity.callAction(c.callId, action);
        if (action === 'answer') showWindow();
      };
      n.on('click', () => act('answer'));
      n.on('action', (_e, index) => act(index === 0 ? 'answer' : 'decline'));
      shown.set(c.callId, n);
      n.show();
    }
  });
}
