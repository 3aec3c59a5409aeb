import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useRoot } from '../../app/context';
import { useQuery } from '../../app/useQuery';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorText } from '../../ui/ErrorText';
import { MonitorControls } from './MonitorControls';

/**
 * The live calls of the teams this supervisor oversees (admins: all), from the synced voice
 * conversations' call state, each with Listen / Whisper / Barge / Leave. Self-contained, so a
 * live view can place it anywhere.
 */
export function LiveCalls() {
  const { t } = useTranslation();
  const id = useId();
  const q = useQuery('monitoring:liveCalls', {});
  const session = useRoot((s) => s.monitorSession);
  const registered = useRoot((s) => s.registration === 'registered');
  const calls = q.data?.calls ?? [];
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('monitoring.title')}</h2>
      {!registered && <p className="hint">{t('monitoring.needsPhone')}</p>}
      {session && (
        <p role="status" aria-label={t('monitoring.sessionLabel')}>
          {t(`monitoring.state.${session.state}`, { mode: t(`monitoring.mode.${session.mode}`) })}
        </p>
      )}
      <ErrorText error={session?.error ?? q.error} />
      {q.data && calls.length === 0 && <EmptyState text={t('monitoring.none')} />}
      {calls.length > 0 && (
        <ul aria-labelledby={`${id}-title`} className="list">
          {calls.map((c) => (
            <li key={c.conversationId}>
              <span>
                {t('monitoring.callLine', {
                  customer: c.customerName,
                  agent: c.agentName || t('monitoring.unknownAgent'),
                })}
                {c.state === 'held' ? ` · ${t('monitoring.held')}` : ''}
              </span>
              <MonitorControls call={c} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
