import { useTranslation } from 'react-i18next';
import { useRoot } from '../../../app/context';

/** On the agent's call card: a supervisor is on this call, when the team lets agents see it. */
export function MonitoredNotice(props: { callId: string }) {
  const { t } = useTranslation();
  const m = useRoot((s) => s.monitoredCalls[props.callId] ?? null);
  if (!m?.shown) return null;
  return (
    <p className="call-recording" role="status" aria-label={t('monitoring.agentBannerLabel')}>
      {t('monitoring.agentBanner', { name: m.supervisorName, mode: t(`monitoring.mode.${m.mode}`) })}
    </p>
  );
}
