import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi, useRoot } from '../../app/context';
import { useQuery } from '../../app/useQuery';
import { ErrorText } from '../../ui/ErrorText';

/** Hand the conversation to a colleague of its team, or to another team's queue. */
export function TransferControl(props: {
  conversationId: string;
  teamId: string;
  assigneeId: string | null;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const me = useRoot((s) => s.session?.agent?.id ?? null);
  const openConversation = useRoot((s) => s.openConversation);
  const dir = useQuery('inbox:directory', {});
  const [target, setTarget] = useState('');
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  if (!dir.data) return null;
  const colleagues = dir.data.agents.filter(
    (a) => a.teamIds.includes(props.teamId) && a.id !== me && a.id !== props.assigneeId,
  );
  const teams = dir.data.teams.filter((tm) => tm.id !== props.teamId);

  const transfer = async () => {
    const [kind, targetId] = target.split(':');
    if (!kind || !targetId) return;
    setError(null);
    try {
      await api.call(
        'conversations:transfer',
        kind === 'agent'
          ? { id: props.conversationId, toAgentId: targetId }
          : { id: props.conversationId, toTeamId: targetId },
      );
      setTarget('');
      if (kind === 'team') openConversation(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <div className="field inline">
      <label htmlFor={id}>{t('inbox.transferTo')}</label>
      <select id={id} value={target} onChange={(e) => setTarget(e.target.value)}>
        <option value="">—</option>
        {colleagues.length > 0 && (
          <optgroup label={t('inbox.colleagues')}>
            {colleagues.map((a) => (
              <option key={a.id} value={`agent:${a.id}`}>
                {a.name}
              </option>
            ))}
          </optgroup>
        )}
        {teams.length > 0 && (
          <optgroup label={t('inbox.teams')}>
            {teams.map((tm) => (
              <option key={tm.id} value={`team:${tm.id}`}>
                {tm.name}
              </option>
            ))}
          </optgroup>
        )}
      </select>
      <button type="button" disabled={!target} onClick={() => void transfer()}>
        {t('inbox.transfer')}
      </button>
      <ErrorText error={error} />
    </div>
  );
}
