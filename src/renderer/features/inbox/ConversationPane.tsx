import { useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConversationDetail } from '../../../shared/views';
import { useApi, useRoot } from '../../app/context';
import { useQuery } from '../../app/useQuery';
import { useMinuteClock } from '../../ui/useMinuteClock';
import { Composer } from './Composer';
import { ConversationHeader } from './ConversationHeader';
import { ConversationSidebar } from './ConversationSidebar';
import { ConversationThread } from './ConversationThread';
import { PaneError, PaneLoading } from './PaneStates';
import { Splitter } from './Splitter';
import { useComposer } from './useComposer';
import { isCollapsed, widthOf, type WorkspaceLayoutControl } from './useWorkspaceLayout';

/** Messages of a thread shown at first (the newest); "Show earlier" adds as many again. */
export const THREAD_PAGE = 100;

/** The `conversations:get` arguments for a thread's newest `shown` entries (the prefetch asks the same). */
export const threadArgs = (id: string, shown = THREAD_PAGE) => ({ id, limit: shown });

/**
 * One conversation: a compact header (customer, channel, status, snooze, transfer), the thread
 * (messages and internal notes, the one scroller), the composer pinned below it, and the context
 * sidebar (ConversationSidebar) beside them.
 */
export function ConversationPane(props: {
  id: string;
  /** The workspace's pane layout (sidebar width, shown or hidden); without it the sidebar is fixed. */
  layout?: WorkspaceLayoutControl;
}) {
  const { t } = useTranslation();
  // A long history opens at its newest messages; older ones are a click away (per conversation).
  const [earlier, setEarlier] = useState({ id: props.id, shown: THREAD_PAGE });
  const shown = earlier.id === props.id ? earlier.shown : THREAD_PAGE;
  const detail = useThreadPage(props.id, shown);
  const composer = useComposer(props.id);
  const { error, act } = useAct();
  const ids = {
    body: useId(),
    status: useId(),
    note: useId(),
    hint: useId(),
    snooze: useId(),
    route: useId(),
    sidebar: useId(),
  };
  const [snoozeUntil, setSnoozeUntil] = useState<string | null>(null);
  const now = useMinuteClock();
  const agentNames = useAgentNames();
  const seen = detail.data ? detail.data.earlier + detail.data.timeline.length : -1;
  useMarkRead(props.id, seen);
  const customerTyping = useRoot((s) => s.customerTyping[props.id] === true);
  const thread = useFollowNewest(props.id, seen);
  const layout = props.layout;
  const sidebarCollapsed = layout ? isCollapsed(layout.layout, 'sidebar') : false;

  if (detail.error)
    return <PaneError error={detail.error} hint={t('inbox.workspace.states.conversationError')} />;
  if (!detail.data) return <PaneLoading label={t('inbox.workspace.states.loadingConversation')} rows={5} />;
  const { conversation: c, timeline, queued, replyRoute } = detail.data;
  const notShown = detail.data.earlier;

  return (
    <article
      className={`conversation${sidebarCollapsed ? ' sidebar-collapsed' : ''}`}
      aria-label={t('inbox.conversationWith', { name: c.customerName ?? t('inbox.unknownCustomer') })}
    >
      <div className="conversation-main">
        <ConversationHeader
          conversation={c}
          now={now}
          ids={ids}
          snoozeUntil={snoozeUntil}
          onSnoozeUntil={setSnoozeUntil}
          act={act}
          layout={layout}
          sidebarCollapsed={sidebarCollapsed}
        />
        <ConversationThread
          conversation={c}
          timeline={timeline}
          queued={queued}
          agentNames={agentNames}
          ref={thread}
          earlier={notShown}
          onShowEarlier={() => setEarlier({ id: props.id, shown: shown + THREAD_PAGE })}
        />
        <p role="status" aria-label={t('inbox.typingStatus')} className="item-sub">
          {customerTyping ? t('inbox.customerTyping') : ''}
        </p>
        <Composer
          conversationId={props.id}
          channel={c.channel}
          replyRoute={replyRoute}
          composer={composer}
          ids={ids}
          act={act}
          error={error}
        />
      </div>
      {!sidebarCollapsed && <SidebarColumn detail={detail.data} id={ids.sidebar} now={now} layout={layout} />}
    </article>
  );
}

/**
 * The conversation with its newest `shown` timeline entries. While a larger page of the same
 * conversation loads ("Show earlier"), the page already shown stays, so the pane does not blank.
 */
function useThreadPage(id: string, shown: number) {
  const q = useQuery('conversations:get', threadArgs(id, shown));
  const [held, setHeld] = useState<{ id: string; data: ConversationDetail } | null>(null);
  if (q.data && held?.data !== q.data) setHeld({ id, data: q.data });
  if (q.data || q.error || held?.id !== id) return q;
  return { data: held.data, error: null, loading: true };
}

/** The context sidebar, after the splitter that resizes it when the workspace has a layout. */
function SidebarColumn(props: {
  detail: ConversationDetail;
  id: string;
  now: number;
  layout: WorkspaceLayoutControl | undefined;
}) {
  const { t } = useTranslation();
  const { layout } = props;
  return (
    <>
      {layout && (
        <Splitter
          pane="sidebar"
          label={t('inbox.workspace.resizeSidebar')}
          width={widthOf(layout.layout, 'sidebar')}
          controls={props.id}
          onPreview={(w) => layout.preview('sidebar', w)}
          onCommit={(w) => layout.resize('sidebar', w)}
          onToggle={() => layout.toggle('sidebar')}
        />
      )}
      <ConversationSidebar
        id={props.id}
        conversation={props.detail.conversation}
        history={props.detail.customerHistory}
        now={props.now}
      />
    </>
  );
}

/** The pane's actions: each clears the last failure and shows its own, if any. */
function useAct() {
  const [error, setError] = useState<string | null>(null);
  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return { error, act };
}

/** Agents' names by id, for notes' authors and mentions. */
function useAgentNames(): ReadonlyMap<string, string> {
  const directory = useQuery('inbox:directory', {});
  return new Map((directory.data?.agents ?? []).map((a) => [a.id, a.name] as const));
}

/**
 * Reading the thread (`seen` messages, -1 before it loads) marks it read on this device; new
 * messages while it is open are read too. Only a conversation that had unread messages refreshes
 * the views (its row's count changed): one read already would have every open query, this
 * thread's too, fetched again for nothing.
 */
function useMarkRead(conversationId: string, seen: number) {
  const api = useApi();
  const bumpData = useRoot((s) => s.bumpData);
  useEffect(() => {
    if (seen < 0) return;
    api.call('conversations:markRead', { id: conversationId }).then(
      (r) => r.cleared && bumpData(),
      () => {},
    );
  }, [api, conversationId, seen, bumpData]);
}

/**
 * The thread is the pane's one scroller: it opens at the newest message and follows new ones.
 * It scrolls in the frame that paints the commit, not in the commit: reading scrollHeight there
 * lays the whole pane out at once, and a commit due before that frame (the sidebar's customer)
 * would have it laid out again.
 */
function useFollowNewest(conversationId: string, seen: number) {
  const thread = useRef<HTMLOListElement>(null);
  useLayoutEffect(() => {
    const frame = requestAnimationFrame(() => {
      const el = thread.current;
      if (el) el.scrollTop = el.scrollHeight;
    });
    return () => cancelAnimationFrame(frame);
  }, [conversationId, seen]);
  return thread;
}
