import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { matchLanguage, type Language } from '../shared/settings';
import { createApiClient } from './api/client';
import { ipcTransport, type PreloadApi, type Transport } from './api/transport';
import { takeHostSecret, wsTransport } from './api/wsTransport';
import { connectApp } from './app/bootstrap';
import { AppProvider } from './app/context';
import { Shell } from './features/shell/Shell';
import { parseDialLink } from '../shared/dialLink';
import { createI18n } from './i18n';
import { createRootStore } from './store';
import { applyTheme } from './ui/theme';
import './styles.css';
import './features/supervisor/liveView.css';

function pickTransport(): Transport | null {
  const bridge = (window as unknown as { switchboard?: PreloadApi }).switchboard;
  if (bridge) return ipcTransport(bridge);
  const secret = takeHostSecret(location, sessionStorage, history);
  if (!secret) return null;
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return wsTransport({ url: `${scheme}://${location.host}/api`, secret });
}

// Last known language and theme, so the first paint is already right; main's settings win after.
const storedLanguage = (localStorage.getItem('switchboard.language') ?? undefined) as Language | undefined;
const language = storedLanguage ? matchLanguage(storedLanguage) : matchLanguage(navigator.language);
applyTheme((localStorage.getItem('switchboard.theme') as 'system' | 'light' | 'dark' | null) ?? 'system');
document.documentElement.lang = language;
const i18n = createI18n(language);
const store = createRootStore();
const root = createRoot(document.getElementById('root')!);

const transport = pickTransport();
if (!transport) {
  root.render(
    <main className="standalone-message">
      <h1>Switchboard</h1>
      <p role="alert">{i18n.t('connection.unauthorized')}</p>
    </main>,
  );
} else {
  const api = createApiClient(transport);
  connectApp(api, store, i18n);
  // Browser host: `?dial=tel:…` comes from a registered protocol handler.
  const dial = new URLSearchParams(location.search).get('dial');
  const req = dial ? parseDialLink(dial) : null;
  if (req) store.getState().requestDial(req);
  root.render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <AppProvider api={api} store={store}>
          <Shell />
        </AppProvider>
      </I18nextProvider>
    </StrictMode>,
  );
}
