import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useRoot } from '../../app/context';
import { useQuery } from '../../app/useQuery';
import { EmptyState } from '../../ui/EmptyState';
import { ViewHeader } from '../../ui/ViewHeader';
import { CustomerProfile } from './CustomerProfile';

/**
 * Customers in the cache with offline full-text search (Chinese included), and the selected
 * profile (kept in the store, so it is still open when the agent comes back from another place).
 */
export function CustomersView() {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const selected = useRoot((s) => s.selectedCustomerId);
  const setSelected = useRoot((s) => s.openCustomer);
  const searchId = useId();
  const list = useQuery('customers:list', q.trim() ? null : { limit: 200 });
  const hits = useQuery('search:query', q.trim() ? { q, limit: 50 } : null);

  return (
    <section className="view">
      <ViewHeader title={t('customers.title')} />
      <div className="split">
        <div className="list-pane">
          <div className="field">
            <label htmlFor={searchId}>{t('customers.search')}</label>
            <input
              id={searchId}
              type="search"
              value={q}
              maxLength={200}
              onChange={(e) => setQ(e.target.value)}
            />
          </div>
          {q.trim() ? (
            <ul className="items" aria-label={t('customers.results')}>
              {hits.data?.length === 0 && <EmptyState text={t('customers.noResults')} />}
              {hits.data?.map((h) => (
                <li key={`${h.entity}:${h.id}`}>
                  {h.entity === 'customer' ? (
                    <button type="button" className="item" onClick={() => setSelected(h.id)}>
                      <span className="item-title">{h.name}</span>
                      <span className="item-sub">{h.company}</span>
                    </button>
                  ) : (
                    <div className="item">
                      <span className="item-sub">{t(`customers.hit.${h.entity}`)}</span>
                      <span className="item-title">{h.body}</span>
                    </div>
                  )}
                </li>
              ))}
            </ul>
          ) : (
            <ul className="items" aria-label={t('customers.listLabel')}>
              {list.data?.length === 0 && <EmptyState text={t('customers.empty')} />}
              {list.data?.map((c) => (
                <li key={c.id}>
                  <button
                    type="button"
                    className="item"
                    aria-current={selected === c.id ? 'true' : undefined}
                    onClick={() => setSelected(c.id)}
                  >
                    <span className="item-title">{c.name}</span>
                    <span className="item-sub">
                      {[c.company, c.phones[0], c.emails[0]].filter(Boolean).join(' · ')}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div className="detail-pane">
          {selected ? (
            <CustomerProfile id={selected} onOpen={setSelected} />
          ) : (
            <EmptyState text={t('customers.pick')} />
          )}
        </div>
      </div>
    </section>
  );
}
