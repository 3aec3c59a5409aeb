import type { i18n } from 'i18next';
import type { ApiClient } from '../api/client';
import type { RootStore } from '../store';
import { applyTheme } from '../ui/theme';
import { ringOnce } from '../features/inbox/ring';
import { connectPhone } from '../features/phone/phoneController';
import { connectAtLaunch } from '../features/phone/connectAtLaunch';

/**
 * Connects the store to the app API: loads settings, app info and agent state, and turns
 * events from main into store updates (module-level, not hooks). Returns an unsubscribe.
 */
export function connectApp(api: ApiClient, store: RootStore, i18n: i18n): () => void {
  const s = store.getState;
  const phone = connectPhone(api, store);
  const autoConnect = connectAtLaunch(api, store);
  // What main pushed since the current initial load began: an event is newer than the snapshot
  // a call in flight will return, so the snapshot must not overwrite it (the sync status would
  // otherwise stay "Connecting" when it went online while the page was loading).
  const live = new Set<'settings' | 'agent' | 'updates' | 'session' | 'offers'>();
  const offs = [
    api.onStatus((status) => {
      s().setConnection(status);
      if (status === 'open') void loadInitial();
    }),
    api.on('settings:changed', (settings) => {
      live.add('settings');
      s().setSettings(settings);
      applySettings(settings.language, settings.theme);
    }),
    api.on('agent:stateChanged', (info) => {
      live.add('agent');
      s().setAgent(info);
    }),
    api.on('phone:dialRequested', (req) => s().requestDial(req)),
    // Answer or Decline chosen in a desktop notification or the tray (the window may be hidden).
    api.on('phone:callAction', ({ callId, action }) => {
      const ctl = s().phoneCtl;
      if (action === 'answer') ctl?.answer(callId);
      else ctl?.decline(callId);
    }),
    api.on('updates:statusChanged', (u) => {
      live.add('updates');
      s().setUpdates(u);
    }),
    api.on('session:changed', (session) => {
      live.add('session');
      s().setSession(session);
      void autoConnect();
    }),
    api.on('data:changed', () => s().bumpData()),
    api.on('inbox:openConversation', ({ conversationId }) => s().openConversation(conversationId)),
    api.on('inbox:offersChanged', (offers) => {
      live.add('offers');
      // Ring for offers that were not there before.
      const before = new Set(s().offers.map((o) => o.offerId));
      if (offers.some((o) => !before.has(o.offerId))) ringOnce();
      s().setOffers(offers);
    }),
    api.on('inbox:typing', (e) => s().setCustomerTyping(e.conversationId, e.on)),
    api.on('supervisor:board', (board) => s().setBoard(board)),
    api.on('supervisor:accessLost', (lost) => {
      s().setBoardAccessLost(lost);
      if (lost.ended) s().setBoard(null);
    }),
    api.on('supervisor:notices', (notices) => s().setSupervisorNotices(notices)),
  ];

  function applySettings(language: string, theme: 'system' | 'light' | 'dark') {
    if (i18n.language !== language) void i18n.changeLanguage(language);
    document.documentElement.lang = language;
    applyTheme(theme);
    try {
      localStorage.setItem('switchboard.language', language);
      localStorage.setItem('switchboard.theme', theme);
    } catch {
      // Storage can be unavailable (private mode); the main side still remembers.
    }
  }

  async function loadInitial() {
    live.clear();
    try {
      const [settings, info, agent, updates, session, offers] = await Promise.all([
        api.call('settings:get', {}),
        api.call('app:getInfo', {}),
        api.call('agent:getState', {}),
        api.call('updates:getStatus', {}),
        api.call('session:get', {}),
        api.call('inbox:listOffers', {}),
      ]);
      if (!live.has('offers')) s().setOffers(offers);
      if (!live.has('session')) s().setSession(session);
      s().bumpData();
      if (!live.has('updates')) s().setUpdates(updates);
      if (!live.has('settings')) {
        s().setSettings(settings);
        applySettings(settings.language, settings.theme);
      }
      s().setAppInfo(info);
      if (!live.has('agent')) s().setAgent(agent);
      void autoConnect();
    } catch (err) {
      s().setError(err instanceof Error ? err.message : String(err));
    }
  }

  return () => {
    offs.forEach((off) => off());
    void phone.unregister();
  };
}
