import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../app/context';
import { ErrorText } from '../../ui/ErrorText';
import './startEmail.css';

/**
 * The agent writes to a customer first: a new email conversation (theirs, in their team's email
 * inbox) with its first mail, queued offline like any reply. Shown only for a customer with an
 * address; with several, the agent picks which one it goes to (the first by default).
 */
export function StartEmail(props: {
  customerId: string;
  addresses: readonly string[];
  /** Told of the conversation once its first mail is queued. */
  onStarted?: (conversationId: string) => void;
  /** Its own "Write an email" heading; off where a dialog of that title holds it. Default true. */
  heading?: boolean;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const ids = { to: useId(), subject: useId(), body: useId() };
  const [chosen, setChosen] = useState<string | null>(null);
  const to = chosen !== null && props.addresses.includes(chosen) ? chosen : (props.addresses[0] ?? '');
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setSent(false);
    api.call('conversations:startEmail', { customerId: props.customerId, to, subject, body }).then(
      (r) => {
        setSubject('');
        setBody('');
        setSent(true);
        props.onStarted?.(r.conversationId);
      },
      (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
    );
  };
  return (
    <form className="start-email" aria-label={t('customers.startEmail.title')} onSubmit={submit}>
      {props.heading !== false && <h3>{t('customers.startEmail.title')}</h3>}
      {props.addresses.length > 1 ? (
        <>
          <label htmlFor={ids.to}>{t('customers.startEmail.toLabel')}</label>
          <select id={ids.to} value={to} onChange={(e) => setChosen(e.target.value)}>
            {props.addresses.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
          <p className="item-sub">{t('customers.startEmail.toChoice')}</p>
        </>
      ) : (
        <p className="item-sub">{t('customers.startEmail.to', { to })}</p>
      )}
      <label htmlFor={ids.subject}>{t('customers.startEmail.subject')}</label>
      <input id={ids.subject} value={subject} maxLength={500} onChange={(e) => setSubject(e.target.value)} />
      <label htmlFor={ids.body}>{t('customers.startEmail.body')}</label>
      <textarea
        id={ids.body}
        value={body}
        rows={10}
        maxLength={20000}
        onChange={(e) => setBody(e.target.value)}
      />
      <div className="start-email-actions">
        <button type="submit" disabled={!to || !subject.trim() || !body.trim()}>
          {t('customers.startEmail.send')}
        </button>
      </div>
      <p role="status">{sent ? t('customers.startEmail.sent') : ''}</p>
      <ErrorText error={error} />
    </form>
  );
}
