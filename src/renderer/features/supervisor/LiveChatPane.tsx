import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SupervisorBoard } from '../../../shared/supervisor';
import { useApi, useRoot } from '../../app/context';
import { useQuery } from '../../app/useQuery';
import { ErrorText } from '../../ui/ErrorText';

/**
 * Reads a live chat as it goes (from the supervisor's synced cache: their teams' conversations
 * are in it), whispers to its agent (a note only they see, shown at once), and reassigns it to a
 * colleague of its team or takes it, each with the reason the agent is shown.
 */
export function LiveChatPane(props: { conversationId: string; board: SupervisorBoard; onClose: () => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const me = useRoot((s) => s.session?.agent ?? null);
  const q = useQuery('conversations:get', { id: props.conversationId });
  const [whisper, setWhisper] = useState('');
  const [reason, setReason] = useState('');
  const [to, setTo] = useState('');
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const ids = { whisper: useId(), reason: useId(), to: useId(), title: useId() };
  const c = q.data?.conversation;
  const owner = props.board.agents.find((a) => a.id === c?.assigneeId);
  const colleagues = props.board.agents.filter(
    (a) => c && a.id !== c.assigneeId && a.teamIds.includes(c.teamId) && a.id !== me?.id,
  );
  const fail = (err: unknown) =>
    setResult({
      ok: false,
      text: t('liveView.actionFailed', { message: err instanceof Error ? err.message : String(err) }),
    });

  const sendWhisper = async () => {
    if (!whisper.trim()) return;
    try {
      await api.call('supervisor:whisper', { conversationId: props.conversationId, body: whisper.trim() });
      setWhisper('');
      setResult({ ok: true, text: t('liveView.whispered', { name: owner?.name ?? '' }) });
    } catch (err) {
      fail(err);
    }
  };
  const assign = async (take: boolean) => {
    if (!reason.trim()) return setResult({ ok: false, text: t('liveView.reasonNeeded') });
    if (!take && !to) return setResult({ ok: false, text: t('liveView.pickColleague') });
    try {
      await api.call(
        'supervisor:assign',
        take
          ? { conversationId: props.conversationId, take: true, reason: reason.trim() }
          : { conversationId: props.conversationId, toAgentId: to, reason: reason.trim() },
      );
      setReason('');
      setResult({ ok: true, text: take ? t('liveView.taken') : t('liveView.reassigned') });
    } catch (err) {
      fail(err);
    }
  };

  return (
    <section className="live-chat card" aria-labelledby={ids.title}>
      <h2 id={ids.title}>
        {t('liveView.reading', {
          customer: c?.customerName ?? t('liveView.aCustomer'),
          agent: owner?.name ?? '–',
        })}
      </h2>
      <button type="button" onClick={props.onClose}>
        {t('liveView.closeReading')}
      </button>
      <ErrorText error={q.error} />
      <ol className="live-chat-thread" aria-label={t('liveView.thread')}>
        {q.data?.timeline.map((m) => {
          // A whisper is a stored note now: it comes back in the thread, marked as the caller's.
          const mine = m.kind === 'note' && !!m.whisperTo && m.authorId === me?.id;
          return (
            <li
              key={m.id}
              className={mine ? 'whisper' : m.kind === 'note' ? 'note' : m.direction === 'in' ? 'in' : 'out'}
            >
              <span className="muted">
                {mine
                  ? t('liveView.yourWhisper')
                  : m.kind === 'note'
                    ? t('liveView.note')
                    : m.direction === 'in'
                      ? t('liveView.customer')
                      : t('liveView.agentSaid')}
              </span>{' '}
              {m.body}
            </li>
          );
        })}
      </ol>
      <div className="field">
        <label htmlFor={ids.whisper}>{t('liveView.whisperLabel', { name: owner?.name ?? '' })}</label>
        <textarea
          id={ids.whisper}
          value={whisper}
          maxLength={2000}
          onChange={(e) => setWhisper(e.target.value)}
        />
      </div>
      <button type="button" disabled={!owner || !whisper.trim()} onClick={() => void sendWhisper()}>
        {t('liveView.whisper')}
      </button>
      <div className="field">
        <label htmlFor={ids.to}>{t('liveView.reassignTo')}</label>
        <select id={ids.to} value={to} onChange={(e) => setTo(e.target.value)}>
          <option value="">{t('liveView.pickColleague')}</option>
          {colleagues.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.reason}>{t('liveView.reason')}</label>
        <input id={ids.reason} value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
      </div>
      <div className="actions">
        <button type="button" onClick={() => void assign(false)}>
          {t('liveView.reassign')}
        </button>
        <button type="button" onClick={() => void assign(true)}>
          {t('liveView.take')}
        </button>
      </div>
      {result && (
        <p role={result.ok ? 'status' : 'alert'} className={result.ok ? 'hint' : 'error'}>
          {result.text}
        </p>
      )}
    </section>
  );
}
