import type { i18n } from 'i18next';
import type { ApiClient } from '../api/client';
import type { RootStore } from '../store';
import { applyTheme } from '../ui/theme';
import { ringOnce } from '../features/inbox/ring';
import { connectPhone } from '../features/phone/phoneController';

/**
 * Connects the store to the app API: loads settings, app info and agent state, and turns
 * events from main into store updates (module-level, not hooks). Returns an unsubscribe.
 */
export function connectApp(api: ApiClient, store: RootStore, i18n: i18n): () => void {
  const s = store.getState;
  const phone = connectPhone(api, store);
  const offs = [
    api.onStatus((status) => {
      s().setConnection(status);
      if (status === 'open') void loadInitial();
    }),
    api.on('settings:changed', (settings) => {
      s().setSettings(settings);
      applySettings(settings.language, settings.theme);
    }),
    api.on('agent:stateChanged', (info) => s().setAgent(info)),
    api.on('phone:dialRequested', (req) => s().requestDial(req)),
    api.on('updates:statusChanged', (u) => s().setUpdates(u)),
    api.on('session:changed', (session) => s().setSession(session)),
    api.on('data:changed', () => s().bumpData()),
    api.on('inbox:openConversation', ({ conversationId }) => s().openConversation(conversationId)),
    api.on('inbox:offersChanged', (offers) => {
      // Ring for offers that were not there before.
      const before = new Set(s().offers.map((o) => o.offerId));
      if (offers.some((o) => !before.has(o.offerId))) ringOnce();
      s().setOffers(offers);
    }),
    api.on('inbox:typing', (e) => s().setCustomerTyping(e.conversationId, e.on)),
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
    try {
      const [settings, info, agent, updates, session] = await Promise.all([
        api.call('settings:get', {}),
        api.call('app:getInfo', {}),
        api.call('agent:getState', {}),
        api.call('updates:getStatus', {}),
        api.call('session:get', {}),
      ]);
      s().setOffers(await api.call('inbox:listOffers', {}));
      s().setSession(session);
      s().bumpData();
      s().setUpdates(updates);
      s().setSettings(settings);
      s().setAppInfo(info);
      s().setAgent(agent);
      applySettings(settings.language, settings.theme);
    } catch (err) {
      s().setError(err instanceof Error ? err.message : String(err));
    }
  }

  return () => {
    offs.forEach((off) => off());
    void phone.unregister();
  };
}
