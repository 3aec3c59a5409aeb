import { useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { SELECTABLE_AGENT_STATES, type AgentState } from '../../../shared/agentState';
import { useApi, useRoot } from '../../app/context';
import { NavBar } from '../../ui/NavBar';
import { CustomersView } from '../customers/CustomersView';
import { InboxView } from '../inbox/InboxView';
import { CallPanel } from '../phone/CallPanel';
import { PhoneView } from '../phone/PhoneView';
import { SettingsView } from '../settings/SettingsView';
import { SupervisorView } from '../supervisor/SupervisorView';
import { AdminView } from '../admin/AdminView';
import { OfferBanner } from '../inbox/OfferBanner';
import { InboxShortcuts } from '../inbox/InboxShortcuts';
import { MentionNotices } from '../inbox/MentionNotices';
import { MovedWhileAway } from '../inbox/MovedWhileAway';
import { SupervisorNotices } from '../supervisor/SupervisorNotices';
import { LoginView } from '../session/LoginView';
import { SyncBadge } from '../session/SyncBadge';
import { VIEWS, type View } from './shellSlice';
import { ErrorText } from '../../ui/ErrorText';

/** The workstation's frame: header with status, main navigation, and the current place. */
export function Shell() {
  const { t } = useTranslation();
  const api = useApi();
  const view = useRoot((s) => s.view);
  const setView = useRoot((s) => s.setView);
  const connection = useRoot((s) => s.connection);
  const agent = useRoot((s) => s.agent);
  const setAgent = useRoot((s) => s.setAgent);
  const error = useRoot((s) => s.error);
  const signedIn = useRoot((s) => s.session?.status === 'signedIn');
  const agentName = useRoot((s) => s.session?.agent?.name ?? null);
  const isAdmin = useRoot((s) => s.session?.status === 'signedIn' && s.session.agent?.role === 'admin');
  const setError = useRoot((s) => s.setError);
  const mainRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);
  const stateId = useId();

  // Alt+1…6 moves between places from anywhere (Alt+6, Admin, for admins only).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const n = Number(e.key);
      const target = VIEWS[n - 1];
      if (target && (target !== 'admin' || isAdmin)) {
        e.preventDefault();
        setView(target);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setView, isAdmin]);

  // Focus the new view's heading so screen readers announce the change.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    mainRef.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [view]);

  const changeState = async (state: AgentState) => {
    try {
      setAgent(await api.call('agent:setState', { state }));
    } catch (err) {
      setError(t('errors.generic', { message: err instanceof Error ? err.message : String(err) }));
    }
  };

  const items = VIEWS.map((v, i) => ({
    id: v,
    label: t(`nav.${v}`),
    shortcut: t('nav.shortcut', { key: i + 1 }),
  })).filter((item) => item.id !== 'admin' || isAdmin);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="topbar">
        <span className="brand">{t('app.name')}</span>
        <div className="topbar-right">
          <SyncBadge />
          {agentName && <span className="agent-name">{agentName}</span>}
          <span role="status" aria-label={t('connection.label')} className={`conn conn-${connection}`}>
            {t(`connection.${connection}`)}
          </span>
          <label htmlFor={stateId} className="visually-hidden">
            {t('agent.stateLabel')}
          </label>
          <select
            id={stateId}
            className={`agent-state agent-${agent?.state ?? 'offline'}`}
            value={agent?.state ?? 'offline'}
            disabled={!agent}
            onChange={(e) => void changeState(e.target.value as AgentState)}
          >
            {/* Busy and after-call work are set by calls: shown, not chosen. */}
            {agent && !(SELECTABLE_AGENT_STATES as readonly AgentState[]).includes(agent.state) && (
              <option value={agent.state} disabled>
                {t(`agent.${agent.state}`)}
              </option>
            )}
            {SELECTABLE_AGENT_STATES.map((s) => (
              <option key={s} value={s}>
                {t(`agent.${s}`)}
              </option>
            ))}
            {agent && !(SELECTABLE_AGENT_STATES as readonly string[]).includes(agent.state) && (
              <option value={agent.state} disabled>
                {t(`agent.${agent.state}`)}
              </option>
            )}
          </select>
        </div>
      </header>
      <NavBar label={t('nav.label')} items={items} current={view} onSelect={(id) => setView(id as View)} />
      <main id="main" className="content" tabIndex={-1} ref={mainRef}>
        <ErrorText error={error} />
        {signedIn && <OfferBanner />}
        {signedIn && <MentionNotices />}
        {signedIn && <MovedWhileAway />}
        {signedIn && <SupervisorNotices />}
        {signedIn && view === 'inbox' && <InboxShortcuts />}
        <CallPanel />
        {renderView(view, signedIn)}
      </main>
    </div>
  );
}

// Places that show the agent's data need a signed-in workspace; Phone and Settings do not.
function renderView(view: View, signedIn: boolean) {
  if (!signedIn && (view === 'inbox' || view === 'customers' || view === 'supervisor' || view === 'admin'))
    return <LoginView />;
  switch (view) {
    case 'inbox':
      return <InboxView />;
    case 'phone':
      return <PhoneView />;
    case 'customers':
      return <CustomersView />;
    case 'supervisor':
      return <SupervisorView />;
    case 'settings':
      return <SettingsView />;
    case 'admin':
      return <AdminView />;
    default: {
      const never: never = view;
      return never;
    }
  }
}
