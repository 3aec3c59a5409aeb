import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useRoot } from '../../app/context';
import { useQuery } from '../../app/useQuery';
import { EmptyState } from '../../ui/EmptyState';
import { ViewHeader } from '../../ui/ViewHeader';
import { LiveView } from './LiveView';
import { LiveCalls } from './LiveCalls';
import { ReportsView } from './reports/ReportsView';
import { TeamSettings } from './TeamSettings';
import { SUPERVISOR_TABS, type SupervisorTab } from './supervisorSlice';

/**
 * The Supervisor place: tabs for supervisors and admins (the live view, reports, team settings); agents
 * see what applies to them. Each tab is its own component; a new one adds an entry to
 * SUPERVISOR_TABS and a case below.
 */
export function SupervisorView() {
  const { t } = useTranslation();
  const role = useRoot((s) => s.session?.agent?.role ?? null);
  const oversees = role === 'supervisor' || role === 'admin';
  return (
    <section className="view">
      <ViewHeader title={t('supervisor.title')} />
      {oversees ? <Tabs /> : <AgentNotice />}
    </section>
  );
}

function Tabs() {
  const { t } = useTranslation();
  const tab = useRoot((s) => s.supervisorTab);
  const setTab = useRoot((s) => s.setSupervisorTab);
  const base = useId();
  return (
    <>
      <div role="tablist" aria-label={t('supervisor.tabs')} className="tabs">
        {SUPERVISOR_TABS.map((id) => (
          <button
            key={id}
            type="button"
            role="tab"
            id={`${base}-${id}`}
            aria-selected={tab === id}
            aria-controls={`${base}-${id}-panel`}
            tabIndex={tab === id ? 0 : -1}
            className={tab === id ? 'tab tab-current' : 'tab'}
            onClick={() => setTab(id)}
            onKeyDown={(e) => {
              const i = SUPERVISOR_TABS.indexOf(id);
              const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : null;
              if (next === null) return;
              const to = SUPERVISOR_TABS[(next + SUPERVISOR_TABS.length) % SUPERVISOR_TABS.length]!;
              setTab(to);
              document.getElementById(`${base}-${to}`)?.focus();
            }}
          >
            {t(`supervisor.tab.${id}`)}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${base}-${tab}-panel`} aria-labelledby={`${base}-${tab}`}>
        {panel(tab)}
      </div>
    </>
  );
}

function panel(tab: SupervisorTab) {
  switch (tab) {
    case 'live':
      return (
        <>
          <LiveCalls />
          <LiveView />
        </>
      );
    case 'reports':
      return <ReportsView />;
    case 'settings':
      return <TeamSettings />;
    default: {
      const never: never = tab;
      return never;
    }
  }
}

/** For agents: the place is not theirs, and whether their calls are recorded (set by their team). */
function AgentNotice() {
  const { t } = useTranslation();
  const policy = useQuery('recordings:policy', {}).data;
  return (
    <>
      <EmptyState text={t('supervisor.forOverseers')} />
      {policy && (
        <p role="status" aria-label={t('supervisor.recordingLabel')}>
          {policy.enabled
            ? t('supervisor.recorded', { text: policy.consentText })
            : t('supervisor.notRecorded')}
        </p>
      )}
    </>
  );
}
