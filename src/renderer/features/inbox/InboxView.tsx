import { useId, useMemo, useRef, useState, type CSSProperties } from 'react';
import { MessageSquarePlus, MessagesSquare, PanelLeftClose, PanelLeftOpen } from 'lucide-react';
import { useTranslation } from 'react-i18next';
import type { InboxFilters } from '../../../shared/inboxFilters';
import type { WorkspaceLayout } from '../../../shared/settings';
import { useApi, useRoot } from '../../app/context';
import { prefetch } from '../../app/prefetch';
import { useQuery } from '../../app/useQuery';
import { ViewHeader } from '../../ui/ViewHeader';
import { ConversationPane, threadArgs } from './ConversationPane';
import { RejectedList } from './RejectedList';
import { ErrorText } from '../../ui/ErrorText';
import { useMinuteClock } from '../../ui/useMinuteClock';
import { ConversationRow, ROW_HEIGHT } from './ConversationRow';
import { useConversationWindow } from './useConversationWindow';
import { VirtualList } from './VirtualList';
import { FilterBar } from './FilterBar';
import { NewConversation } from './NewConversation';
import { DEFAULT_FILTERS } from './savedViews';
import { ListState } from './ListState';
import { OfflineBanner, PaneEmpty } from './PaneStates';
import { PaneToggle } from './PaneToggle';
import { Splitter } from './Splitter';
import { isCollapsed, useWorkspaceLayout, widthOf, type WorkspaceLayoutControl } from './useWorkspaceLayout';
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
  const selected = useRoot((s) => s.selectedConversationId);
  const setSelected = useRoot((s) => s.openConversation);
  const openRow = useOpenRow(selected, setSelected);
  const now = useMinuteClock();
  const [filters, setFilters] = useState<InboxFilters>(DEFAULT_FILTERS);
  const labels = useQuery('conversations:labels', {});
  const directory = useQuery('inbox:directory', {});
  const agentNames = useMemo(
    () => new Map((directory.data?.agents ?? []).map((a) => [a.id, a.name] as const)),
    [directory.data],
  );
  const [range, setRange] = useState<RowRange>({ start: 0, end: 0 });
  // Conversations become overdue or due soon as time passes: the SLA filters ask again each minute.
  const list = useConversationWindow(filters, range, filters.sla ? Math.floor(now / 60_000) : 0);
  const total = list.total ?? 0;
  const layout = useWorkspaceLayout();
  const listCollapsed = isCollapsed(layout.layout, 'list');
  const listPaneId = useId();
  const listBodyId = useId();

  return (
    <section className="view inbox-view">
      <RejectedList />
      <OfflineBanner />
      <div className={`workspace${listCollapsed ? ' list-collapsed' : ''}`} style={paneWidths(layout.layout)}>
        <div className="list-pane" id={listPaneId}>
          <ListTop
            count={list.total}
            layout={layout}
            listCollapsed={listCollapsed}
            listBodyId={listBodyId}
            onStarted={setSelected}
          />
          <div className="list-body" id={listBodyId} hidden={listCollapsed}>
            <FilterBar
              filters={filters}
              labels={labels.data ?? []}
              countsEnabled={list.total !== null}
              onChange={setFilters}
            />
            <ListState total={list.total} error={list.error} filters={filters} onFilters={setFilters} />
            <VirtualList
              // New filters: a new list, scrolled to its top.
              key={JSON.stringify(filters)}
              label={t('inbox.listLabel')}
              {...(!list.total ? { className: 'vlist-empty' } : {})}
              total={total}
              rowHeight={ROW_HEIGHT}
              onRangeChange={setRange}
              renderRow={(i, tabIndex) => (
                <ConversationRow
                  conversation={list.rowAt(i)}
                  agentNames={agentNames}
                  selected={selected}
                  tabIndex={tabIndex}
                  now={now}
                  onOpen={(id) => openRow(id, list.rowAt(i)?.customerId)}
                />
              )}
            />
          </div>
        </div>
        {!listCollapsed && <ListSplitter layout={layout} controls={listPaneId} />}
        <DetailPane selected={selected} layout={layout} />
      </div>
    </section>
  );
}

/** The list's and the sidebar's widths, as the CSS variables workspace.css lays the panes out by. */
function paneWidths(layout: WorkspaceLayout): CSSProperties {
  return {
    '--list-width': `${widthOf(layout, 'list')}px`,
    '--sidebar-width': `${widthOf(layout, 'sidebar')}px`,
  } as CSSProperties;
}

/**
 * Opening a row asks for its thread and its customer's card at the click, while React renders
 * the change of selection, rather than only once the new pane has mounted.
 */
function useOpenRow(selected: string | null, setSelected: (id: string) => void) {
  const api = useApi();
  const version = useRoot((s) => s.dataVersion);
  return (id: string, customerId: string | undefined) => {
    if (id !== selected) {
      prefetch(api, 'conversations:get', threadArgs(id), version);
      if (customerId) prefetch(api, 'customers:get', { id: customerId }, version);
    }
    setSelected(id);
  };
}

/**
 * The list pane's top: its head (title, count, New conversation, the list's toggle), why the
 * layout was not saved, and the New conversation dialog.
 */
function ListTop(props: {
  count: number | null;
  layout: WorkspaceLayoutControl;
  listCollapsed: boolean;
  listBodyId: string;
  onStarted: (conversationId: string) => void;
}) {
  const { t } = useTranslation();
  const { layout, listCollapsed } = props;
  const newId = useId();
  const [starting, setStarting] = useState(false);
  const newButton = useRef<HTMLButtonElement>(null);
  const stopStarting = () => {
    setStarting(false);
    newButton.current?.focus();
  };
  return (
    <>
      <div className="list-head">
        <ViewHeader title={t('inbox.title')} />
        <p className="meta" role="status" aria-label={t('inbox.countLabel')}>
          {props.count === null ? '' : t('inbox.count', { count: props.count })}
        </p>
        <button
          ref={newButton}
          type="button"
          className="icon-button"
          aria-label={t('inbox.newConversation.open')}
          title={t('inbox.newConversation.open')}
          aria-haspopup="dialog"
          aria-expanded={starting}
          aria-controls={newId}
          onClick={() => setStarting(true)}
        >
          <MessageSquarePlus size={16} aria-hidden="true" />
        </button>
        <PaneToggle
          expanded={!listCollapsed}
          controls={props.listBodyId}
          label={listCollapsed ? t('inbox.workspace.showList') : t('inbox.workspace.hideList')}
          icon={listCollapsed ? PanelLeftOpen : PanelLeftClose}
          onToggle={() => layout.toggle('list')}
        />
      </div>
      <ErrorText error={layout.error && t('inbox.workspace.layoutNotSaved', { reason: layout.error })} />
      <NewConversation
        id={newId}
        open={starting}
        onClose={stopStarting}
        onStarted={(id) => {
          setStarting(false);
          props.onStarted(id);
        }}
      />
    </>
  );
}

/** The splitter that resizes (or hides) the list. */
function ListSplitter(props: { layout: WorkspaceLayoutControl; controls: string }) {
  const { t } = useTranslation();
  const { layout } = props;
  return (
    <Splitter
      pane="list"
      label={t('inbox.workspace.resizeList')}
      width={widthOf(layout.layout, 'list')}
      controls={props.controls}
      onPreview={(w) => layout.preview('list', w)}
      onCommit={(w) => layout.resize('list', w)}
      onToggle={() => layout.toggle('list')}
    />
  );
}

/** The open conversation, or what to do when none is. */
function DetailPane(props: { selected: string | null; layout: WorkspaceLayoutControl }) {
  const { t } = useTranslation();
  return (
    <div className="detail-pane">
      {props.selected ? (
        <ConversationPane id={props.selected} layout={props.layout} />
      ) : (
        <PaneEmpty
          icon={MessagesSquare}
          title={t('inbox.workspace.states.pickTitle')}
          hint={t('inbox.workspace.states.pick')}
        />
      )}
    </div>
  );
}
