import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldChangeView } from '../../../shared/views';
import { useApi } from '../../app/context';
import { useQuery } from '../../app/useQuery';
import { ErrorText } from '../../ui/ErrorText';
import { formatDuration } from '../phone/CallPanel';
import { PhoneNumberButton } from '../phone/PhoneNumberButton';
import { qualitySummaryText } from '../phone/qualityText';
import { MergeProfiles } from './MergeProfiles';
import { RecordingPlayer } from './RecordingPlayer';
import { conversationLine } from './conversationLine';
import { WriteEmail } from './WriteEmail';

/** The profile's free-text fields, edited in place (here and in the inbox's context sidebar). */
export const TEXT_FIELDS = ['name', 'company', 'address', 'language'] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

/** A customer's profile: editable fields, each with its history (overwritten values can be restored). */
export function CustomerProfile(props: { id: string; onOpen?: (id: string) => void }) {
  const { t } = useTranslation();
  const detail = useQuery('customers:get', { id: props.id });
  const canPlay = useQuery('recordings:policy', {}).data?.canPlay ?? false;
  if (detail.error) return <ErrorText error={detail.error} />;
  if (!detail.data) return <p role="status">{t('settings.loading')}</p>;
  const { customer, conversations, history, calls } = detail.data;
  return (
    <article aria-label={t('customers.profileOf', { name: customer.name })}>
      <h2>{customer.name}</h2>
      <p className="item-sub">
        {customer.phones.map((n) => (
          <PhoneNumberButton key={n} number={n} customerId={customer.id} />
        ))}{' '}
        {customer.emails.join(', ')}
      </p>
      <MergeProfiles detail={detail.data} onOpen={props.onOpen ?? (() => {})} />
      {TEXT_FIELDS.map((f) => (
        <ProfileField
          key={`${customer.id}:${f}:${customer[f]}`}
          customerId={customer.id}
          field={f}
          value={customer[f] ?? ''}
          history={history.filter((h) => h.field === f)}
        />
      ))}
      {customer.emails.length > 0 && <WriteEmail customerId={customer.id} addresses={customer.emails} />}
      <h3>{t('customers.conversations')}</h3>
      <ul>
        {conversations.map((c) => (
          <li key={c.id}>{conversationLine(t, c)}</li>
        ))}
      </ul>
      <h3 id={`calls-${customer.id}`}>{t('customers.calls')}</h3>
      <ul aria-labelledby={`calls-${customer.id}`}>
        {calls.map((c) => (
          <li key={c.id}>
            {t(`call.direction.${c.direction}`)} · {new Date(c.startedAt).toLocaleString()} ·{' '}
            {c.direction === 'in' ? c.from : c.to}
            {c.answeredAt && c.endedAt
              ? ` · ${formatDuration(Date.parse(c.endedAt) - Date.parse(c.answeredAt))}`
              : ''}
            {c.disposition ? ` · ${c.disposition}` : ''}
            {qualitySummaryText(t, c.quality)}
            {c.note ? ` · ${c.note}` : ''}
            {c.recording && canPlay && (
              <>
                {' '}
                <RecordingPlayer recording={c.recording} when={new Date(c.startedAt).toLocaleString()} />
              </>
            )}
          </li>
        ))}
      </ul>
    </article>
  );
}

/** One editable profile field with its history of overwritten values, each restorable. */
export function ProfileField(props: {
  customerId: string;
  field: TextField;
  value: string;
  history: FieldChangeView[];
}) {
  const { t } = useTranslation();
  const api = useApi();
  const [draft, setDraft] = useState(props.value);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const save = async (value: string) => {
    setError(null);
    try {
      await api.call('customers:update', { id: props.customerId, fields: { [props.field]: value } });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const others = props.history.filter((h) => String(h.value) !== props.value);
  return (
    <div className="field">
      <label htmlFor={id}>{t(`customers.fields.${props.field}`)}</label>
      <div className="inline">
        <input id={id} value={draft} maxLength={500} onChange={(e) => setDraft(e.target.value)} />
        <button type="button" disabled={draft === props.value} onClick={() => void save(draft)}>
          {t('customers.save')}
        </button>
      </div>
      {others.length > 0 && (
        <details>
          <summary>{t('customers.history', { count: others.length })}</summary>
          <ul className="history">
            {others.map((h) => (
              <li key={h.id}>
                <span className="history-value">{String(h.value)}</span>{' '}
                <span className="meta">
                  {new Date(h.at).toLocaleString()} · {t(`customers.outcome.${h.outcome}`)}
                </span>{' '}
                <button
                  type="button"
                  aria-label={t('customers.restoreValue', { value: String(h.value) })}
                  onClick={() => void save(String(h.value))}
                >
                  {t('customers.restore')}
                </button>
              </li>
            ))}
          </ul>
        </details>
      )}
      <ErrorText error={error} />
    </div>
  );
}
