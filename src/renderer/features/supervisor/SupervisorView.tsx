import { useTranslation } from 'react-i18next';
import { useRoot } from '../../app/context';
import { useQuery } from '../../app/useQuery';
import { EmptyState } from '../../ui/EmptyState';
import { ViewHeader } from '../../ui/ViewHeader';
import { TeamSettings } from './TeamSettings';

/** The Supervisor place: team settings for supervisors and admins; agents see what applies to them. */
export function SupervisorView() {
  const { t } = useTranslation();
  const role = useRoot((s) => s.session?.agent?.role ?? null);
  const oversees = role === 'supervisor' || role === 'admin';
  return (
    <section className="view">
      <ViewHeader title={t('supervisor.title')} />
      {oversees ? <TeamSettings /> : <AgentNotice />}
    </section>
  );
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
