import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useRoot } from '../../app/context';
import { useQuery } from '../../app/useQuery';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorText } from '../../ui/ErrorText';
import { AgentSettings } from './AgentSettings';
import { AwayGraceSettings } from './AwayGraceSettings';
import { MonitoringSettings } from './MonitoringSettings';
import { QueueSettings } from './QueueSettings';
import { RecordingSettings } from './RecordingSettings';
import { SlaSettings } from './SlaSettings';
import { WebhookSettings } from './WebhookSettings';

/**
 * Team settings for supervisors (their teams) and admins (all): call recording, the grace for
 * live work when an agent's connection drops, queues, inboxes' SLAs, API inboxes' webhooks and
 * agents, as last synced (so it opens offline; webhooks are read from the relay); saving goes to the
 * relay and needs the network.
 */
export function TeamSettings() {
  const { t } = useTranslation();
  const q = useQuery('teams:getSettings', {});
  const online = useRoot((s) => s.session?.sync.status === 'online' || s.session?.sync.status === 'syncing');
  const isAdmin = useRoot((s) => s.session?.agent?.role === 'admin');
  const [picked, setPicked] = useState<string | null>(null);
  const pickId = useId();
  if (!q.data) return q.error ? <ErrorText error={q.error} /> : null;
  const { teams } = q.data;
  if (teams.length === 0) return <EmptyState text={t('teamSettings.noTeams')} />;
  const team = teams.find((x) => x.id === picked) ?? teams[0]!;
  // A queue overflows only into teams the viewer oversees (the relay refuses others): those listed.
  const targets = teams.flatMap((x) => x.inboxes.map((i) => ({ id: i.id, name: i.name })));
  const apiInboxes = team.inboxes.filter((i) => i.channel === 'api');
  return (
    <>
      {!online && (
        <p role="status" className="hint">
          {t('teamSettings.offline')}
        </p>
      )}
      <div className="field team-pick">
        <label htmlFor={pickId}>{t('teamSettings.team')}</label>
        <select id={pickId} value={team.id} onChange={(e) => setPicked(e.target.value)}>
          {teams.map((x) => (
            <option key={x.id} value={x.id}>
              {x.name}
            </option>
          ))}
        </select>
      </div>
      {/* Keyed by team: a form's unsaved edits belong to the team they were made for. */}
      <div key={team.id}>
        <RecordingSettings team={team} />
        <AwayGraceSettings team={team} />
        <MonitoringSettings team={team} />
        <section aria-labelledby={`${pickId}-queues`}>
          <h2 id={`${pickId}-queues`}>{t('teamSettings.queue.title')}</h2>
          {team.inboxes.length === 0 && <EmptyState text={t('teamSettings.queue.none')} />}
          {team.inboxes.map((i) => (
            <QueueSettings key={i.id} inbox={i} targets={targets} />
          ))}
        </section>
        <section aria-labelledby={`${pickId}-sla`}>
          <h2 id={`${pickId}-sla`}>{t('sla.settings.title')}</h2>
          {team.inboxes.length === 0 && <EmptyState text={t('teamSettings.queue.none')} />}
          {team.inboxes.map((i) => (
            <SlaSettings key={i.id} inbox={i} />
          ))}
        </section>
        {apiInboxes.length > 0 && (
          <section aria-labelledby={`${pickId}-webhooks`}>
            <h2 id={`${pickId}-webhooks`}>{t('teamSettings.webhook.title')}</h2>
            {apiInboxes.map((i) => (
              <WebhookSettings key={i.id} inbox={i} />
            ))}
          </section>
        )}
        <section aria-labelledby={`${pickId}-agents`}>
          <h2 id={`${pickId}-agents`}>{t('teamSettings.agents.title')}</h2>
          {team.members.length === 0 && <EmptyState text={t('teamSettings.agents.none')} />}
          {team.members.map((m) => (
            <AgentSettings key={m.id} member={m} editable={isAdmin || m.role === 'agent'} />
          ))}
        </section>
      </div>
    </>
  );
}
