import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  CHANNELS,
  CONVERSATION_STATUSES,
  type Channel,
  type ConversationStatus,
} from '../../../shared/sync/entities';
import { useRoot } from '../../app/context';
import { useQuery } from '../../app/useQuery';
import { EmptyState } from '../../ui/EmptyState';
import { ViewHeader } from '../../ui/ViewHeader';
import { ConversationPane } from './ConversationPane';
import { RejectedList } from './RejectedList';
import { ErrorText } from '../../ui/ErrorText';
import { LabelChips, SlaBadge } from '../../ui/SlaBadge';
import { useMinuteClock } from '../../ui/useMinuteClock';

/** Conversations in the cache, filterable by status, with the selected one beside the list. */
const INBOX_VIEWS = ['all', 'mine', 'unassigned'] as const;
type InboxListView = (typeof INBOX_VIEWS)[number];

export function InboxView() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<ConversationStatus | ''>('open');
  const selected = useRoot((s) => s.selectedConversationId);
  const setSelected = useRoot((s) => s.openConversation);
  const [view, setView] = useState<InboxListView>('all');
  const [channel, setChannel] = useState<Channel | ''>('');
  const filterId = useId();
  const viewId = useId();
  const now = useMinuteClock();
  const channelId = useId();
  const list = useQuery('conversations:list', {
    view,
    limit: 200,
    ...(status ? { status } : {}),
    ...(channel ? { channel } : {}),
  });

  return (
    <section className="view">
      <ViewHeader title={t('inbox.title')} />
      <RejectedList />
      <div className="split">
        <div className="list-pane">
          <div className="field inline">
            <label htmlFor={viewId}>{t('inbox.viewLabel')}</label>
            <select id={viewId} value={view} onChange={(e) => setView(e.target.value as InboxListView)}>
              {INBOX_VIEWS.map((v) => (
                <option key={v} value={v}>
                  {t(`inbox.views.${v}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field inline">
            <label htmlFor={channelId}>{t('inbox.filterChannel')}</label>
            <select
              id={channelId}
              value={channel}
              onChange={(e) => setChannel(e.target.value as Channel | '')}
            >
              <option value="">{t('inbox.allChannels')}</option>
              {CHANNELS.map((ch) => (
                <option key={ch} value={ch}>
                  {t(`channels.${ch}`)}
                </option>
              ))}
            </select>
          </div>
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
                  <span className="item-title">
                    {c.customerName ?? t('inbox.unknownCustomer')}
                    {c.unread > 0 && (
                      <span className="badge badge-unread">{t('inbox.unread', { count: c.unread })}</span>
                    )}
                  </span>
                  <span className="item-sub">
                    {t(`channels.${c.channel}`)} · {t(`inbox.statuses.${c.status}`)} · {c.subject}
                  </span>
                  <span>
                    <SlaBadge dueAt={c.slaDueAt} status={c.status} now={now} />{' '}
                    <LabelChips labels={c.labels} />
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
