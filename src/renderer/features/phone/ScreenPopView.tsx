import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi, useRoot } from '../../app/context';
import { ErrorText } from '../../ui/ErrorText';
import type { CallPop } from './phoneSlice';
import { qualitySummaryText } from './qualityText';

/** The caller's profile while the phone rings, or a new-customer form for an unknown number. */
export function ScreenPopView(props: { callId: string; pop: CallPop }) {
  const { t } = useTranslation();
  const { pop, number, looked } = props.pop;
  if (!looked) return <p role="status">{t('call.lookingUp')}</p>;
  if (!pop) return <NewCallerForm callId={props.callId} number={number} />;
  const { customer, openConversations, recent, calls, others } = pop;
  const labels = [...new Set(openConversations.flatMap((c) => c.labels))];
  return (
    <section className="screen-pop" aria-label={t('call.profile')}>
      <h3>{customer.name}</h3>
      <p className="item-sub">
        {[customer.company, customer.phones.join(', '), customer.emails.join(', ')]
          .filter(Boolean)
          .join(' · ')}
      </p>
      {labels.length > 0 && (
        <ul className="labels" aria-label={t('call.labels')}>
          {labels.map((l) => (
            <li key={l}>{l}</li>
          ))}
        </ul>
      )}
      {others.length > 0 && (
        <p className="hint">{t('call.sharedNumber', { names: others.map((o) => o.name).join(', ') })}</p>
      )}
      <h4>{t('call.openConversations')}</h4>
      <ul aria-label={t('call.openConversations')}>
        {openConversations.length === 0 && <li>{t('call.none')}</li>}
        {openConversations.map((c) => (
          <li key={c.id}>
            {[t(`channels.${c.channel}`), t(`inbox.statuses.${c.status}`), c.subject]
              .filter(Boolean)
              .join(' · ')}
          </li>
        ))}
      </ul>
      <h4>{t('call.recent')}</h4>
      <ul aria-label={t('call.recent')}>
        {recent.length === 0 && calls.length === 0 && <li>{t('call.none')}</li>}
        {calls.map((c) => (
          <li key={c.id}>
            {t(`call.direction.${c.direction}`)} · {new Date(c.startedAt).toLocaleString()}
            {c.disposition ? ` · ${c.disposition}` : ''}
            {qualitySummaryText(t, c.quality)}
            {c.note ? ` · ${c.note}` : ''}
          </li>
        ))}
        {recent.map((m) => (
          <li key={m.id} className={m.kind === 'note' ? 'note' : undefined}>
            {m.kind === 'note' ? `${t('call.note')}: ` : ''}
            {m.body.slice(0, 200)}
          </li>
        ))}
      </ul>
    </section>
  );
}

function NewCallerForm(props: { callId: string; number: string | null }) {
  const { t } = useTranslation();
  const api = useApi();
  const bump = useRoot((s) => s.bumpData);
  const store = useRoot((s) => s.pops);
  const setPops = useRoot((s) => s.setPops);
  const [name, setName] = useState('');
  const [phone, setPhone] = useState(props.number ?? '');
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const nameId = useId();
  const phoneId = useId();
  const save = async () => {
    setError(null);
    try {
      const customer = await api.call('customers:create', {
        fields: { name: name.trim(), phones: phone ? [phone] : [] },
      });
      setSaved(true);
      // The call now belongs to this customer: its wrap-up lands in their timeline.
      setPops({
        ...store,
        [props.callId]: {
          number: props.number,
          looked: true,
          pop: { customer, openConversations: [], recent: [], calls: [], others: [] },
        },
      });
      bump();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  if (saved) return <p role="status">{t('call.customerSaved', { name })}</p>;
  return (
    <form
      className="screen-pop"
      aria-label={t('call.newCustomer')}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <p>{t('call.unknownCaller')}</p>
      <div className="field">
        <label htmlFor={nameId}>{t('call.customerName')}</label>
        <input id={nameId} value={name} maxLength={200} required onChange={(e) => setName(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={phoneId}>{t('call.customerPhone')}</label>
        <input id={phoneId} value={phone} maxLength={32} onChange={(e) => setPhone(e.target.value)} />
      </div>
      <button type="submit" disabled={!name.trim()}>
        {t('call.saveCustomer')}
      </button>
      <ErrorText error={error} />
    </form>
  );
}
