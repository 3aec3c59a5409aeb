import { useId, useState, type CSSProperties } from 'react';
import { PanelLeftClose, PanelLeftOpen } from 'lucide-react';
import { useTranslation } from 'react-i18next';
import {
  INBOX_VIEWS,
  SLA_FILTERS,
  type InboxView as InboxListView,
  type SlaFilter,
} from '../../../shared/api';
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
import { useMinuteClock } from '../../ui/useMinuteClock';
import { ConversationRow, ROW_HEIGHT } from './ConversationRow';
import { useConversationWindow, type ConversationFilters } from './useConversationWindow';
import { VirtualList } from './VirtualList';
import { PaneToggle } from './PaneToggle';
import { Splitter } from './Splitter';
import { isCollapsed, useWorkspaceLayout, widthOf } from './useWorkspaceLayout';
import './workspace.css';
import type { RowRange } from './virtualWindow';

/**
 * Conversations in the cache, filterable by view, channel, status, label and SLA, as a virtualized
 * list (any length: rows are fetched from main in pages as they scroll into view), with the
 * selected one beside the list: three panes (list | conversation | its context sidebar) that fill
 * the window, the thread the one scroller of the conversation (workspace.css).
 */
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
  const labelId = useId();
  const slaId = useId();
  const [label, setLabel] = useState('');
  const [sla, setSla] = useState<SlaFilter | ''>('');
  const labels = useQuery('conversations:labels', {});
  const filters: ConversationFilters = {
    view,
    ...(status ? { status } : {}),
    ...(channel ? { channel } : {}),
    ...(label ? { label } : {}),
    ...(sla ? { sla } : {}),
  };
  const [range, setRange] = useState<RowRange>({ start: 0, end: 0 });
  // Conversations become overdue or due soon as time passes: the SLA filters ask again each minute.
  const list = useConversationWindow(filters, range, sla ? Math.floor(now / 60_000) : 0);
  const total = list.total ?? 0;
  const layout = useWorkspaceLayout();
  const listCollapsed = isCollapsed(layout.layout, 'list');
  const listPaneId = useId();
  const listBodyId = useId();

  return (
    <section className="view inbox-view">
      <RejectedList />
      <div
        className={`workspace${listCollapsed ? ' list-collapsed' : ''}`}
        style={
          {
            '--list-width': `${widthOf(layout.layout, 'list')}px`,
            '--sidebar-width': `${widthOf(layout.layout, 'sidebar')}px`,
          } as CSSProperties
        }
      >
        <div className="list-pane" id={listPaneId}>
          <div className="list-head">
            <ViewHeader title={t('inbox.title')} />
            <p className="meta" role="status" aria-label={t('inbox.countLabel')}>
              {list.total === null ? '' : t('inbox.count', { count: total })}
            </p>
            <PaneToggle
              expanded={!listCollapsed}
              controls={listBodyId}
              label={listCollapsed ? t('inbox.workspace.showList') : t('inbox.workspace.hideList')}
              icon={listCollapsed ? PanelLeftOpen : PanelLeftClose}
              onToggle={() => layout.toggle('list')}
            />
          </div>
          <ErrorText error={layout.error && t('inbox.workspace.layoutNotSaved', { reason: layout.error })} />
          <div className="list-body" id={listBodyId} hidden={listCollapsed}>
            <div className="list-filters">
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
              <div className="field inline">
                <label htmlFor={labelId}>{t('inbox.filterLabel')}</label>
                <select id={labelId} value={label} onChange={(e) => setLabel(e.target.value)}>
                  <option value="">{t('inbox.allLabels')}</option>
                  {/* The chosen label stays offered even before (or after) it is in the cache. */}
                  {[...new Set([...(labels.data ?? []), ...(label ? [label] : [])])].map((l) => (
                    <option key={l} value={l}>
                      {l}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field inline">
                <label htmlFor={slaId}>{t('inbox.filterSla')}</label>
                <select id={slaId} value={sla} onChange={(e) => setSla(e.target.value as SlaFilter | '')}>
                  <option value="">{t('inbox.slaFilters.any')}</option>
                  {SLA_FILTERS.map((f) => (
                    <option key={f} value={f}>
                      {t(`inbox.slaFilters.${f}`)}
                    </option>
                  ))}
                </select>
              </div>
            </div>
            <ErrorText error={list.error} />
            {list.total === 0 && <EmptyState text={t('inbox.empty')} />}
            <VirtualList
              // New filters: a new list, scrolled to its top.
              key={JSON.stringify(filters)}
              label={t('inbox.listLabel')}
              {...(list.total === 0 ? { className: 'vlist-empty' } : {})}
              total={total}
              rowHeight={ROW_HEIGHT}
              onRangeChange={setRange}
              renderRow={(i, tabIndex) => (
                <ConversationRow
                  conversation={list.rowAt(i)}
                  selected={selected}
                  tabIndex={tabIndex}
                  now={now}
                  onOpen={setSelected}
                />
              )}
            />
          </div>
        </div>
        {!listCollapsed && (
          <Splitter
            pane="list"
            label={t('inbox.workspace.resizeList')}
            width={widthOf(layout.layout, 'list')}
            controls={listPaneId}
            onPreview={(w) => layout.preview('list', w)}
            onCommit={(w) => layout.resize('list', w)}
            onToggle={() => layout.toggle('list')}
          />
        )}
        <div className="detail-pane">
          {selected ? (
            <ConversationPane id={selected} layout={layout} />
          ) : (
            <EmptyState text={t('inbox.pick')} />
          )}
        </div>
      </div>
    </section>
  );
}
