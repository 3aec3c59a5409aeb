import type { i18n } from 'i18next';
import type { ApiClient } from '../api/client';
import type { RootState, RootStore } from '../store';
import { applyTheme } from '../ui/theme';
import { ringOnce } from '../features/inbox/ring';
import { connectPhone } from '../features/phone/phoneController';
import { connectAtLaunch } from '../features/phone/connectAtLaunch';

/** The parts of the initial load an event from main may have made stale while it ran. */
type LiveKey = 'settings' | 'agent' | 'updates' | 'session' | 'offers';

/** What the event handlers and the initial load share. */
type Connection = {
  api: ApiClient;
  s: () => RootState;
  /** What main pushed since the current initial load began (see connectApp). */
  live: Set<LiveKey>;
  applySettings: (language: string, theme: 'system' | 'light' | 'dark') => void;
  autoConnect: () => Promise<void>;
};

/**
 * Connects the store to the app API: loads settings, app info and agent state, and turns
 * events from main into store updates (module-level, not hooks). Returns an unsubscribe.
 */
export function connectApp(api: ApiClient, store: RootStore, i18n: i18n): () => void {
  const phone = connectPhone(api, store);
  const c: Connection = {
    api,
    s: store.getState,
    // An event is newer than the snapshot a call in flight will return, so the snapshot must not
    // overwrite it (the sync status would otherwise stay "Connecting" when it went online while
    // the page was loading).
    live: new Set(),
    applySettings: (language, theme) => applySettings(i18n, language, theme),
    autoConnect: connectAtLaunch(api, store),
  };
  const offs = [
    api.onStatus((status) => {
      c.s().setConnection(status);
      if (status === 'open') void loadInitial(c);
    }),
    ...followWorkspace(c),
    ...followWork(c),
  ];
  return () => {
    offs.forEach((off) => off());
    void phone.unregister();
  };
}

/** Settings, agent state, phone requests, updates and the session as main pushes them. */
function followWorkspace(c: Connection): (() => void)[] {
  const { api, s, live } = c;
  return [
    api.on('settings:changed', (settings) => {
      live.add('settings');
      s().setSettings(settings);
      c.applySettings(settings.language, settings.theme);
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
      void c.autoConnect();
    }),
  ];
}

/** Data changes, inbox offers and typing, and the supervisor's board and notices as main pushes them. */
function followWork(c: Connection): (() => void)[] {
  const { api, s, live } = c;
  return [
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
}

/** Shows `language` and `theme` at once and remembers them for the next start's first paint. */
function applySettings(i18n: i18n, language: string, theme: 'system' | 'light' | 'dark') {
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

/** Loads everything the screens start from (each time the connection to main opens). */
async function loadInitial(c: Connection) {
  const { api, s, live } = c;
  live.clear();
  // Views on screen may have missed changes while main was out of reach: they ask again now. A
  // view that a pushed event shows while the load is in flight (the session) asks only once.
  s().bumpData();
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
    if (!live.has('updates')) s().setUpdates(updates);
    if (!live.has('settings')) {
      s().setSettings(settings);
      c.applySettings(settings.language, settings.theme);
    }
    s().setAppInfo(info);
    if (!live.has('agent')) s().setAgent(agent);
    void c.autoConnect();
  } catch (err) {
    s().setError(err instanceof Error ? err.message : String(err));
  }
}
