import { useTranslation } from 'react-i18next';
import { MONITOR_MODES, type MonitorMode } from '../../../shared/monitoring';
import type { LiveCallView } from '../../../shared/monitoringApi';
import { useRoot } from '../../app/context';

/**
 * Listen / Whisper / Barge / Leave for one live call. Pressing a mode joins the call in it (or
 * switches mode while already on it); Leave ends the supervisor's leg only. The customer's call
 * is never touched from here.
 */
export function MonitorControls(props: { call: LiveCallView }) {
  const { t } = useTranslation();
  const session = useRoot((s) => s.monitorSession);
  const ctl = useRoot((s) => s.monitorCtl);
  const registered = useRoot((s) => s.registration === 'registered');
  const mine = session && session.conversationId === props.call.conversationId && session.state !== 'ended';
  const busyElsewhere = !!session && session.state !== 'ended' && !mine;
  const pick = (mode: MonitorMode) => {
    if (!ctl) return;
    void (mine ? ctl.setMode(mode) : ctl.start(props.call.conversationId, mode));
  };
  return (
    <div
      role="group"
      className="actions"
      aria-label={t('monitoring.controlsFor', {
        customer: props.call.customerName,
        agent: props.call.agentName,
      })}
    >
      {MONITOR_MODES.map((mode) => (
        <button
          key={mode}
          type="button"
          aria-pressed={!!mine && session.mode === mode}
          disabled={!ctl || !registered || busyElsewhere || (!!mine && session.state !== 'joined')}
          onClick={() => pick(mode)}
        >
          {t(`monitoring.mode.${mode}`)}
        </button>
      ))}
      {mine && (
        <button type="button" onClick={() => ctl?.leave()}>
          {t('monitoring.leave')}
        </button>
      )}
    </div>
  );
}
