import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '../../app/useQuery';
import { ErrorText } from '../../ui/ErrorText';
import { FormDialog } from '../../ui/FormDialog';
import { StartEmail } from '../customers/StartEmail';
import { PhoneNumberButton } from '../phone/PhoneNumberButton';
import './newConversation.css';

/**
 * The inbox's New conversation dialog: the agent finds a customer (the cache's offline search), then
 * writes them an email (to the address they pick) or calls one of their numbers; either way the
 * conversation is theirs, in their team's inbox. A dialog, not a panel in the list pane, so the
 * email's fields have a readable width. Escape or Close puts it away.
 */
export function NewConversation(props: {
  id: string;
  open: boolean;
  onClose: () => void;
  /** An email conversation was started (its first mail queued): the inbox opens it. */
  onStarted: (conversationId: string) => void;
}) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [customerId, setCustomerId] = useState<string | null>(null);
  const searchId = useId();
  const close = () => {
    setQ('');
    setCustomerId(null);
    props.onClose();
  };
  return (
    <FormDialog
      id={props.id}
      open={props.open}
      title={t('inbox.newConversation.title')}
      closeLabel={t('inbox.newConversation.close')}
      onClose={close}
    >
      <div className="new-conversation">
        {customerId ? (
          <ChosenCustomer
            customerId={customerId}
            onChange={() => setCustomerId(null)}
            onStarted={(id) => {
              setQ('');
              setCustomerId(null);
              props.onStarted(id);
            }}
          />
        ) : (
          <>
            <label htmlFor={searchId}>{t('inbox.newConversation.search')}</label>
            <input
              id={searchId}
              type="search"
              value={q}
              maxLength={200}
              autoFocus
              onChange={(e) => setQ(e.target.value)}
            />
            <CustomerHits q={q} onPick={setCustomerId} />
          </>
        )}
      </div>
    </FormDialog>
  );
}

/** The customers the search finds (its messages and notes are not what the agent looks for here). */
function CustomerHits(props: { q: string; onPick: (id: string) => void }) {
  const { t } = useTranslation();
  const hits = useQuery('search:query', props.q.trim() ? { q: props.q, limit: 50 } : null);
  if (!props.q.trim()) return <p className="item-sub">{t('inbox.newConversation.hint')}</p>;
  if (hits.error) return <ErrorText error={hits.error} />;
  const customers = (hits.data ?? []).flatMap((h) => (h.entity === 'customer' ? [h] : []));
  return (
    <>
      <ul className="items" aria-label={t('inbox.newConversation.results')}>
        {customers.map((h) => (
          <li key={h.id}>
            <button type="button" className="item" onClick={() => props.onPick(h.id)}>
              <span className="item-title">{h.name}</span>
              <span className="item-sub">{h.company}</span>
            </button>
          </li>
        ))}
      </ul>
      {hits.data && customers.length === 0 && <p role="status">{t('inbox.newConversation.noResults')}</p>}
    </>
  );
}

/** The customer picked: write to one of their addresses, or call one of their numbers. */
function ChosenCustomer(props: {
  customerId: string;
  onChange: () => void;
  onStarted: (conversationId: string) => void;
}) {
  const { t } = useTranslation();
  const detail = useQuery('customers:get', { id: props.customerId });
  if (detail.error) return <ErrorText error={detail.error} />;
  if (!detail.data) return <p role="status">{t('settings.loading')}</p>;
  const { customer } = detail.data;
  return (
    <div className="new-conversation-customer">
      <p>
        <strong>{customer.name}</strong>{' '}
        <button type="button" className="link" onClick={props.onChange}>
          {t('inbox.newConversation.change')}
        </button>
      </p>
      {customer.emails.length > 0 ? (
        <StartEmail customerId={customer.id} addresses={customer.emails} onStarted={props.onStarted} />
      ) : (
        <p className="item-sub">{t('inbox.newConversation.noEmail')}</p>
      )}
      <h4>{t('inbox.newConversation.call')}</h4>
      {customer.phones.length > 0 ? (
        <p className="contact-points">
          {customer.phones.map((n) => (
            <PhoneNumberButton key={n} number={n} customerId={customer.id} />
          ))}
        </p>
      ) : (
        <p className="item-sub">{t('inbox.newConversation.noPhone')}</p>
      )}
    </div>
  );
}
