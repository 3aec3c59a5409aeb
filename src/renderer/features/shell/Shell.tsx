import * as Tooltip from '@radix-ui/react-tooltip';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useRoot } from '../../app/context';
import { NavBar } from '../../ui/NavBar';
import { CustomersView } from '../customers/CustomersView';
import { InboxView } from '../inbox/InboxView';
import { CallBar } from '../phone/CallBar';
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
import { CommandPalette } from './CommandPalette';
import { ConnectionHealth } from './ConnectionHealth';
import { PersonMenu } from './PersonMenu';
import { VIEWS, type View } from './shellSlice';
import { StatusMenu } from './StatusMenu';
import './shell.css';
import { ErrorText } from '../../ui/ErrorText';

/**
 * The workstation's frame: a header that says one thing each (the agent's routing status, the
 * connections' health, the person), the main navigation, and the current place.
 */
export function Shell() {
  const { t } = useTranslation();
  const view = useRoot((s) => s.view);
  const setView = useRoot((s) => s.setView);
  const error = useRoot((s) => s.error);
  const signedIn = useRoot((s) => s.session?.status === 'signedIn');
  const isAdmin = useRoot((s) => s.session?.status === 'signedIn' && s.session.agent?.role === 'admin');
  const mainRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

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

  const items = VIEWS.map((v, i) => ({
    id: v,
    label: t(`nav.${v}`),
    shortcut: t('nav.shortcut', { key: i + 1 }),
  })).filter((item) => item.id !== 'admin' || isAdmin);

  return (
    <Tooltip.Provider delayDuration={400}>
      <div className="shell">
        <a className="skip-link" href="#main">
          {t('app.skipToContent')}
        </a>
        <header className="topbar">
          <span className="brand">{t('app.name')}</span>
          <div className="topbar-status">
            <StatusMenu />
          </div>
          <div className="topbar-right">
            <ConnectionHealth />
            <PersonMenu />
          </div>
        </header>
        <NavBar label={t('nav.label')} items={items} current={view} onSelect={(id) => setView(id as View)} />
        <main id="main" className="content" tabIndex={-1} ref={mainRef}>
          <ErrorText error={error} />
          {signedIn && (
            // Offers and notices float over the place instead of sitting above it, so one
            // arriving or leaving (an offer withdrawn when a call is answered) moves nothing.
            <div className="notice-stack">
              <OfferBanner />
              <MentionNotices />
              <MovedWhileAway />
              <SupervisorNotices />
            </div>
          )}
          {signedIn && view === 'inbox' && <InboxShortcuts />}
          {renderView(view, signedIn)}
        </main>
        <CallBar />
        <CommandPalette />
      </div>
    </Tooltip.Provider>
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
