import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SELECTABLE_AGENT_STATES } from '../../../shared/agentState';
import type { BoardAgent } from '../../../shared/supervisor';
import { useApi, useRoot } from '../../app/context';

/**
 * Set an agent's status or log them out of routing, each with a reason the agent is shown at once.
 * Offered where the relay would allow it (a supervisor: agents of their teams; an admin: anyone
 * but themselves); the relay checks again and audits.
 */
export function AgentActions(props: { agent: BoardAgent }) {
  const { t } = useTranslation();
  const api = useApi();
  const me = useRoot((s) => s.session?.agent ?? null);
  const a = props.agent;
  const [state, setState] = useState<(typeof SELECTABLE_AGENT_STATES)[number]>('available');
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = { state: useId(), reason: useId() };
  if (!me || me.id === a.id || (me.role !== 'admin' && a.role !== 'agent'))
    return <span className="muted">–</span>;

  const run = async (what: 'status' | 'logout') => {
    if (!reason.trim()) return setResult({ ok: false, text: t('liveView.reasonNeeded') });
    setBusy(true);
    try {
      if (what === 'status')
        await api.call('supervisor:setStatus', { agentId: a.id, state, reason: reason.trim() });
      else await api.call('supervisor:logout', { agentId: a.id, reason: reason.trim() });
      setResult({
        ok: true,
        text:
          what === 'status'
            ? t('liveView.statusSet', { name: a.name, state: t(`agent.${state}`) })
            : t('liveView.loggedOut', { name: a.name }),
      });
      setReason('');
    } catch (err) {
      setResult({
        ok: false,
        text: t('liveView.actionFailed', { message: err instanceof Error ? err.message : String(err) }),
      });
    } finally {
      setBusy(false);
    }
  };

  return (
    <details className="agent-actions">
      <summary aria-label={t('liveView.actionsFor', { name: a.name })}>{t('liveView.actions')}</summary>
      <div className="field">
        <label htmlFor={ids.state}>{t('liveView.newStatus')}</label>
        <select
          id={ids.state}
          value={state}
          onChange={(e) => setState(e.target.value as (typeof SELECTABLE_AGENT_STATES)[number])}
        >
          {SELECTABLE_AGENT_STATES.map((s) => (
            <option key={s} value={s}>
              {t(`agent.${s}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.reason}>{t('liveView.reason')}</label>
        <input id={ids.reason} value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
      </div>
      <div className="actions">
        <button type="button" disabled={busy} onClick={() => void run('status')}>
          {t('liveView.setStatus', { name: a.name })}
        </button>
        <button type="button" disabled={busy} onClick={() => void run('logout')}>
          {t('liveView.logOut', { name: a.name })}
        </button>
      </div>
      {result && (
        <p role={result.ok ? 'status' : 'alert'} className={result.ok ? 'hint' : 'error'}>
          {result.text}
        </p>
      )}
    </details>
  );
}
