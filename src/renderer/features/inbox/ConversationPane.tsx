import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CONVERSATION_STATUSES, type ConversationStatus } from '../../../shared/sync/entities';
import { useApi } from '../../app/context';
import { useQuery } from '../../app/useQuery';
import { ErrorText } from '../../ui/ErrorText';

/** One conversation: the thread (messages and internal notes), a composer, and its status. */
export function ConversationPane(props: { id: string }) {
  const { t } = useTranslation();
  const api = useApi();
  const detail = useQuery('conversations:get', { id: props.id });
  const [body, setBody] = useState('');
  const [asNote, setAsNote] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ids = { body: useId(), status: useId(), note: useId() };

  if (detail.error) return <ErrorText error={detail.error} />;
  if (!detail.data) return <p role="status">{t('settings.loading')}</p>;
  const { conversation: c, timeline, queued } = detail.data;
  const queuedSet = new Set(queued);

  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const send = (e: FormEvent) => {
    e.preventDefault();
    const text = body.trim();
    if (!text) return;
    void act(async () => {
      await api.call(asNote ? 'notes:add' : 'messages:send', { conversationId: c.id, body: text });
      setBody('');
    });
  };

  return (
    <article aria-label={t('inbox.conversationWith', { name: c.customerName ?? t('inbox.unknownCustomer') })}>
      <header className="pane-header">
        <h2>{c.customerName ?? t('inbox.unknownCustomer')}</h2>
        <p className="item-sub">
          {t(`channels.${c.channel}`)} · {c.subject}
        </p>
        <div className="field inline">
          <label htmlFor={ids.status}>{t('inbox.status')}</label>
          <select
            id={ids.status}
            value={c.status}
            onChange={(e) =>
              void act(() =>
                api.call('conversations:setStatus', {
                  id: c.id,
                  status: e.target.value as ConversationStatus,
                }),
              )
            }
          >
            {CONVERSATION_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`inbox.statuses.${s}`)}
              </option>
            ))}
          </select>
        </div>
      </header>
      <ol className="thread" aria-label={t('inbox.thread')}>
        {timeline.map((m) => (
          <li key={m.id} className={`bubble ${m.kind === 'note' ? 'note' : m.direction}`}>
            {m.kind === 'note' && <span className="tag">{t('inbox.note')}</span>}
            <p className="body">{m.body}</p>
            <span className="meta">
              {new Date(m.createdAt).toLocaleString()}
              {queuedSet.has(m.id) && <span className="queued"> · {t('inbox.queued')}</span>}
            </span>
          </li>
        ))}
      </ol>
      <form className="composer" onSubmit={send}>
        <label htmlFor={ids.body}>{asNote ? t('inbox.noteLabel') : t('inbox.replyLabel')}</label>
        <textarea
          id={ids.body}
          value={body}
          rows={3}
          maxLength={20000}
          onChange={(e) => setBody(e.target.value)}
        />
        <div className="actions">
          <label>
            <input type="checkbox" checked={asNote} onChange={(e) => setAsNote(e.target.checked)} />{' '}
            {t('inbox.asNote')}
          </label>
          <button type="submit" disabled={!body.trim()}>
            {asNote ? t('inbox.addNote') : t('inbox.send')}
          </button>
        </div>
        <ErrorText error={error} />
      </form>
    </article>
  );
}
