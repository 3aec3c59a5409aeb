import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { ConversationDetail } from '../../../shared/views';
import type { BoardAgent, SupervisorBoard } from '../../../shared/supervisor';
import { useApi, useRoot } from '../../app/context';
import { useQuery } from '../../app/useQuery';
import { ErrorText } from '../../ui/ErrorText';

type Result = { ok: boolean; text: string } | null;

/**
 * Reads a live chat as it goes (from the supervisor's synced cache: their teams' conversations
 * are in it), whispers to its agent (a note only they see, shown at once), and reassigns it to a
 * colleague of its team or takes it, each with the reason the agent is shown.
 */
export function LiveChatPane(props: { conversationId: string; board: SupervisorBoard; onClose: () => void }) {
  const { t } = useTranslation();
  const me = useRoot((s) => s.session?.agent ?? null);
  const q = useQuery('conversations:get', { id: props.conversationId });
  const [result, setResult] = useState<Result>(null);
  const titleId = useId();
  const c = q.data?.conversation;
  const owner = props.board.agents.find((a) => a.id === c?.assigneeId);
  const colleagues = props.board.agents.filter(
    (a) => c && a.id !== c.assigneeId && a.teamIds.includes(c.teamId) && a.id !== me?.id,
  );
  return (
    <section className="live-chat card" aria-labelledby={titleId}>
      <h2 id={titleId}>
        {t('liveView.reading', {
          customer: c?.customerName ?? t('liveView.aCustomer'),
          agent: owner?.name ?? '–',
        })}
      </h2>
      <button type="button" onClick={props.onClose}>
        {t('liveView.closeReading')}
      </button>
      <ErrorText error={q.error} />
      <LiveThread timeline={q.data?.timeline} meId={me?.id} />
      <WhisperBox conversationId={props.conversationId} owner={owner} onResult={setResult} />
      <ReassignBox conversationId={props.conversationId} colleagues={colleagues} onResult={setResult} />
      {result && (
        <p role={result.ok ? 'status' : 'alert'} className={result.ok ? 'hint' : 'error'}>
          {result.text}
        </p>
      )}
    </section>
  );
}

/** The chat's messages and notes as they arrive, the caller's own whispers marked as such. */
function LiveThread(props: {
  timeline: ConversationDetail['timeline'] | undefined;
  meId: string | undefined;
}) {
  const { t } = useTranslation();
  return (
    <ol className="live-chat-thread" aria-label={t('liveView.thread')}>
      {props.timeline?.map((m) => {
        // A whisper is a stored note now: it comes back in the thread, marked as the caller's.
        const mine = m.kind === 'note' && !!m.whisperTo && m.authorId === props.meId;
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
  );
}

/** The sentence for an action the relay refused. */
const failed = (t: TFunction, err: unknown): Result => ({
  ok: false,
  text: t('liveView.actionFailed', { message: err instanceof Error ? err.message : String(err) }),
});

/** A whisper to the chat's agent: a note only they see. */
function WhisperBox(props: {
  conversationId: string;
  owner: BoardAgent | undefined;
  onResult: (r: Result) => void;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const [whisper, setWhisper] = useState('');
  const id = useId();
  const { owner, onResult } = props;
  const send = async () => {
    if (!whisper.trim()) return;
    try {
      await api.call('supervisor:whisper', { conversationId: props.conversationId, body: whisper.trim() });
      setWhisper('');
      onResult({ ok: true, text: t('liveView.whispered', { name: owner?.name ?? '' }) });
    } catch (err) {
      onResult(failed(t, err));
    }
  };
  return (
    <>
      <div className="field">
        <label htmlFor={id}>{t('liveView.whisperLabel', { name: owner?.name ?? '' })}</label>
        <textarea id={id} value={whisper} maxLength={2000} onChange={(e) => setWhisper(e.target.value)} />
      </div>
      <button type="button" disabled={!owner || !whisper.trim()} onClick={() => void send()}>
        {t('liveView.whisper')}
      </button>
    </>
  );
}

/** Reassigns the chat to a colleague of its team, or takes it, with the reason its agent is shown. */
function ReassignBox(props: {
  conversationId: string;
  colleagues: BoardAgent[];
  onResult: (r: Result) => void;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const [reason, setReason] = useState('');
  const [to, setTo] = useState('');
  const ids = { reason: useId(), to: useId() };
  const { conversationId, onResult } = props;
  const assign = async (take: boolean) => {
    if (!reason.trim()) return onResult({ ok: false, text: t('liveView.reasonNeeded') });
    if (!take && !to) return onResult({ ok: false, text: t('liveView.pickColleague') });
    try {
      await api.call(
        'supervisor:assign',
        take
          ? { conversationId, take: true, reason: reason.trim() }
          : { conversationId, toAgentId: to, reason: reason.trim() },
      );
      setReason('');
      onResult({ ok: true, text: take ? t('liveView.taken') : t('liveView.reassigned') });
    } catch (err) {
      onResult(failed(t, err));
    }
  };
  return (
    <>
      <div className="field">
        <label htmlFor={ids.to}>{t('liveView.reassignTo')}</label>
        <select id={ids.to} value={to} onChange={(e) => setTo(e.target.value)}>
          <option value="">{t('liveView.pickColleague')}</option>
          {props.colleagues.map((a) => (
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
    </>
  );
}
