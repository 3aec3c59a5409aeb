import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CONVERSATION_STATUSES, type ConversationStatus } from '../../../shared/sync/entities';
import { useRoot } from '../../app/context';
import { useQuery } from '../../app/useQuery';
import { EmptyState } from '../../ui/EmptyState';
import { ViewHeader } from '../../ui/ViewHeader';
import { ConversationPane } from './ConversationPane';
import { RejectedList } from './RejectedList';
import { ErrorText } from '../../ui/ErrorText';

/** Conversations in the cache, filterable by status, with the selected one beside the list. */
export function InboxView() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<ConversationStatus | ''>('open');
  const selected = useRoot((s) => s.selectedConversationId);
  const setSelected = useRoot((s) => s.openConversation);
  const filterId = useId();
  const list = useQuery('conversations:list', status ? { status, limit: 200 } : { limit: 200 });

  return (
    <section className="view">
      <ViewHeader title={t('inbox.title')} />
      <RejectedList />
      <div className="split">
        <div className="list-pane">
          <div className="field inline">
            <label htmlFor={filterId}>{t('inbox.filterStatus')}</label>
            <select
              id={filterId}
              value={status}
              onChange={(e) => setStatus(e.target.value as ConversationStatus | '')}
            >
              <option value="">{t('inbox.all')}</option>
              {CONVERSATION_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`inbox.statuses.${s}`)}
                </option>
              ))}
            </select>
          </div>
          <ErrorText error={list.error} />
          {list.data && list.data.length === 0 && <EmptyState text={t('inbox.empty')} />}
          <ul className="items" aria-label={t('inbox.listLabel')}>
            {list.data?.map((c) => (
              <li key={c.id}>
                <button
                  type="button"
                  className="item"
                  aria-current={selected === c.id ? 'true' : undefined}
                  onClick={() => setSelected(c.id)}
                >
                  <span className="item-title">{c.customerName ?? t('inbox.unknownCustomer')}</span>
                  <span className="item-sub">
                    {t(`channels.${c.channel}`)} · {t(`inbox.statuses.${c.status}`)} · {c.subject}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </div>
        <div className="detail-pane">
          {selected ? <ConversationPane id={selected} /> : <EmptyState text={t('inbox.pick')} />}
        </div>
      </div>
    </section>
  );
}
