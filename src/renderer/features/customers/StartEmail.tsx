import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../app/context';
import { ErrorText } from '../../ui/ErrorText';

/**
 * The agent writes to a customer first: a new email conversation (theirs, in their team's email
 * inbox) with its first mail, queued offline like any reply. Shown only for a customer with an
 * address; the mail goes to the first one.
 */
export function StartEmail(props: { customerId: string; to: string }) {
  const { t } = useTranslation();
  const api = useApi();
  const ids = { subject: useId(), body: useId() };
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setSent(false);
    api.call('conversations:startEmail', { customerId: props.customerId, subject, body }).then(
      () => {
        setSubject('');
        setBody('');
        setSent(true);
      },
      (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
    );
  };
  return (
    <form className="start-email" aria-label={t('customers.startEmail.title')} onSubmit={submit}>
      <h3>{t('customers.startEmail.title')}</h3>
      <p className="item-sub">{t('customers.startEmail.to', { to: props.to })}</p>
      <label htmlFor={ids.subject}>{t('customers.startEmail.subject')}</label>
      <input id={ids.subject} value={subject} maxLength={500} onChange={(e) => setSubject(e.target.value)} />
      <label htmlFor={ids.body}>{t('customers.startEmail.body')}</label>
      <textarea
        id={ids.body}
        value={body}
        rows={4}
        maxLength={20000}
        onChange={(e) => setBody(e.target.value)}
      />
      <button type="submit" disabled={!subject.trim() || !body.trim()}>
        {t('customers.startEmail.send')}
      </button>
      <p role="status">{sent ? t('customers.startEmail.sent') : ''}</p>
      <ErrorText error={error} />
    </form>
  );
}
