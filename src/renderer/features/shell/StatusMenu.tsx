import * as Menu from '@radix-ui/react-dropdown-menu';
import { Check, ChevronDown } from 'lucide-react';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { AWAY_REASONS, type AgentState, type AwayReason } from '../../../shared/agentState';
import { useApi, useRoot } from '../../app/context';
import { useMinuteClock } from '../../ui/useMinuteClock';
import { timeInStatus } from './timeInStatus';

/** The menu's values: a state, or `away:<reason>`. */
type StatusValue = 'available' | 'away' | 'offline' | `away:${AwayReason}`;

/** Sets the agent's routing state through the app API; errors go to the shell's error line. */
export function useChangeStatus() {
  const { t } = useTranslation();
  const api = useApi();
  const setAgent = useRoot((s) => s.setAgent);
  const setError = useRoot((s) => s.setError);
  return async (state: AgentState, reason?: AwayReason) => {
    try {
      setAgent(await api.call('agent:setState', reason ? { state, reason } : { state }));
    } catch (err) {
      setError(t('errors.generic', { message: err instanceof Error ? err.message : String(err) }));
    }
  };
}

/**
 * The agent's routing status, the header's main control: a menu of Available, Away (with a
 * reason) and Offline, showing the current status and how long it has held. Busy and after-call
 * work are set by calls; they show here but are not chosen.
 */
export function StatusMenu() {
  const { t } = useTranslation();
  const agent = useRoot((s) => s.agent);
  const change = useChangeStatus();
  const now = useMinuteClock();
  const awayId = useId();
  const state = agent?.state ?? 'offline';
  const status = agent?.reason
    ? t('agent.awayWith', { reason: t(`agent.reason.${agent.reason}`) })
    : t(`agent.${state}`);
  const duration = agent ? timeInStatus(t, agent.since, now) : '';
  const value: string = agent?.reason ? `away:${agent.reason}` : state;
  const onValue = (v: string) => {
    const [s, reason] = v.split(':') as [StatusValue, AwayReason | undefined];
    void change(s as AgentState, reason);
  };
  const item = (v: StatusValue, label: string, dot: AgentState) => (
    <Menu.RadioItem key={v} value={v} className="menu-item">
      <span className={`status-dot status-${dot}`} aria-hidden="true" />
      <span className="menu-item-label">{label}</span>
      <Menu.ItemIndicator className="menu-indicator">
        <Check size={16} aria-hidden="true" />
      </Menu.ItemIndicator>
    </Menu.RadioItem>
  );
  return (
    <Menu.Root modal={false}>
      <Menu.Trigger asChild disabled={!agent}>
        <button
          type="button"
          className={`status-trigger status-${state}`}
          aria-label={agent ? t('agent.statusButton', { status, duration }) : t('agent.statusUnknown')}
        >
          <span className={`status-dot status-${state}`} aria-hidden="true" />
          <span className="status-name">{status}</span>
          {agent && <span className="status-time">{duration}</span>}
          <ChevronDown size={16} aria-hidden="true" />
        </button>
      </Menu.Trigger>
      <Menu.Portal>
        <Menu.Content className="menu" align="start" sideOffset={6}>
          <Menu.RadioGroup value={value} onValueChange={onValue}>
            {item('available', t('agent.available'), 'available')}
            <Menu.Separator className="menu-separator" />
            <Menu.Group aria-labelledby={awayId}>
              <Menu.Label id={awayId} className="menu-label">
                {t('agent.away')}
              </Menu.Label>
              {item('away', t('agent.awayNoReason'), 'away')}
              {AWAY_REASONS.map((r) => item(`away:${r}`, t(`agent.reason.${r}`), 'away'))}
            </Menu.Group>
            <Menu.Separator className="menu-separator" />
            {item('offline', t('agent.offline'), 'offline')}
          </Menu.RadioGroup>
          {(state === 'busy' || state === 'after-call-work') && (
            <p className="menu-note">{t('agent.setByCalls', { status })}</p>
          )}
        </Menu.Content>
      </Menu.Portal>
    </Menu.Root>
  );
}
