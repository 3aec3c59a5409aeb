import { useEffect, useId, useLayoutEffect, useRef, useState, type FormEvent } from 'react';
import { PanelRightClose, PanelRightOpen } from 'lucide-react';
import { useTranslation } from 'react-i18next';
import { CONVERSATION_STATUSES, type ConversationStatus } from '../../../shared/sync/entities';
import { useApi, useRoot } from '../../app/context';
import { useQuery } from '../../app/useQuery';
import { ErrorText } from '../../ui/ErrorText';
import { CannedReplies } from './CannedReplies';
import { DeliveryState, EmailBody } from './EmailBody';
import { MessageAttachments, SendFileButton } from './MessageAttachments';
import { SlaBadge } from '../../ui/SlaBadge';
import { useMinuteClock } from '../../ui/useMinuteClock';
import { TransferControl } from './TransferControl';
import { onComposerCommand } from './shortcuts';
import { ReplyChannel } from './ReplyChannel';
import { ConversationSidebar } from './ConversationSidebar';
import { NoteTag } from '../supervisor/NoteTag';
import { PaneError, PaneLoading } from './PaneStates';
import { PaneToggle } from './PaneToggle';
import { Splitter } from './Splitter';
import { isCollapsed, widthOf, type WorkspaceLayoutControl } from './useWorkspaceLayout';

/** Messages of a thread shown at first (the newest); "Show earlier" adds as many again. */
export const THREAD_PAGE = 100;

/** A local datetime-local value one hour from now. */
function inAnHour(): string {
  const d = new Date(Date.now() + 3_600_000);
  d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
  return d.toISOString().slice(0, 16);
}

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
  const api = useApi();
  const detail = useQuery('conversations:get', { id: props.id });
  // The draft lives in the store per conversation, so switching away and back keeps it.
  const body = useRoot((s) => s.drafts[props.id] ?? '');
  const setDraft = useRoot((s) => s.setDraft);
  const setBody = (text: string) => setDraft(props.id, text);
  const [asNote, setAsNote] = useState(false);
  const [error, setError] = useState<string | null>(null);
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
  const directory = useQuery('inbox:directory', {});
  const agentNames = new Map((directory.data?.agents ?? []).map((a) => [a.id, a.name] as const));
  const bumpData = useRoot((s) => s.bumpData);
  const seen = detail.data?.timeline.length ?? -1;
  // Reading the thread marks it read on this device; new messages while it is open are read too.
  // Only a conversation that had unread messages refreshes the views (its row's count changed):
  // one read already would have every open query, this thread's too, fetched again for nothing.
  useEffect(() => {
    if (seen < 0) return;
    api.call('conversations:markRead', { id: props.id }).then(
      (r) => r.cleared && bumpData(),
      () => {},
    );
  }, [api, props.id, seen, bumpData]);
  const customerTyping = useRoot((s) => s.customerTyping[props.id] === true);
  // The customer sees "typing" while the agent writes a reply (web chat); off after 3 s idle.
  const typing = useRef<{ on: boolean; timer: ReturnType<typeof setTimeout> | null }>({
    on: false,
    timer: null,
  });
  const setTyping = (on: boolean) => {
    const tr = typing.current;
    if (tr.timer) clearTimeout(tr.timer);
    tr.timer = on ? setTimeout(() => setTyping(false), 3_000) : null;
    if (tr.on === on) return;
    tr.on = on;
    api.call('inbox:setTyping', { conversationId: props.id, on }).catch(() => {
      // Typing is a courtesy: offline or refused, nothing to tell the agent.
    });
  };
  useEffect(
    () => () => {
      const tr = typing.current;
      if (tr.timer) clearTimeout(tr.timer);
      if (tr.on) void api.call('inbox:setTyping', { conversationId: props.id, on: false }).catch(() => {});
      tr.on = false;
    },
    [api, props.id],
  );

  // Keyboard shortcuts (see shortcuts.ts) ask for the composer, as a reply or as a note.
  const composer = useRef<HTMLTextAreaElement>(null);
  useEffect(
    () =>
      onComposerCommand((cmd) => {
        setAsNote(cmd === 'focusNote');
        composer.current?.focus();
      }),
    [],
  );

  // The thread is the pane's one scroller: it opens at the newest message and follows new ones.
  const thread = useRef<HTMLOListElement>(null);
  useLayoutEffect(() => {
    const el = thread.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [props.id, seen]);
  const [sending, setSending] = useState(false);
  // A long history opens at its newest messages; older ones are a click away (per conversation).
  const [earlier, setEarlier] = useState({ id: props.id, shown: THREAD_PAGE });
  const shown = earlier.id === props.id ? earlier.shown : THREAD_PAGE;
  const layout = props.layout;
  const sidebarCollapsed = layout ? isCollapsed(layout.layout, 'sidebar') : false;

  if (detail.error)
    return <PaneError error={detail.error} hint={t('inbox.workspace.states.conversationError')} />;
  if (!detail.data) return <PaneLoading label={t('inbox.workspace.states.loadingConversation')} rows={5} />;
  const { conversation: c, timeline, queued, replyRoute } = detail.data;
  // A reply its channel cannot deliver is not offered (main and the relay refuse it too).
  const refused = !asNote && !replyRoute.ok;
  const queuedSet = new Set(queued);
  // The web chat visitor's read receipt goes on the agents' last reply they have seen.
  const lastSeenReply =
    c.visitorReadAt === undefined
      ? undefined
      : timeline
          .filter((m) => m.kind === 'message' && m.direction === 'out' && m.createdAt <= c.visitorReadAt!)
          .at(-1)?.id;

  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const send = (e: FormEvent) => {
    e.preventDefault();
    const text = body.trim();
    if (!text || refused) return;
    if (!asNote) setTyping(false);
    setSending(true);
    void act(async () => {
      // The draft is props.id's: send it there (never to a conversation shown a moment before).
      await api.call(asNote ? 'notes:add' : 'messages:send', { conversationId: props.id, body: text });
      setBody('');
    }).finally(() => setSending(false));
  };

  return (
    <article
      className={`conversation${sidebarCollapsed ? ' sidebar-collapsed' : ''}`}
      aria-label={t('inbox.conversationWith', { name: c.customerName ?? t('inbox.unknownCustomer') })}
    >
      <div className="conversation-main">
        <header className="conversation-header">
          <div className="conversation-title">
            <h2>{c.customerName ?? t('inbox.unknownCustomer')}</h2>
            <p className="item-sub">
              {t(`channels.${c.channel}`)} · {c.subject}{' '}
              <SlaBadge dueAt={c.slaDueAt} status={c.status} now={now} />
              {c.status === 'snoozed' && c.snoozedUntil && (
                <> · {t('inbox.snoozedUntil', { when: new Date(c.snoozedUntil).toLocaleString() })}</>
              )}
            </p>
          </div>
          <div className="conversation-controls">
            <div className="field inline">
              <label htmlFor={ids.status}>{t('inbox.status')}</label>
              <select
                id={ids.status}
                value={c.status}
                onChange={(e) => {
                  const status = e.target.value as ConversationStatus;
                  // Snoozing asks until when first; the other statuses apply at once.
                  if (status === 'snoozed') return setSnoozeUntil(inAnHour());
                  void act(() => api.call('conversations:setStatus', { id: c.id, status }));
                }}
              >
                {CONVERSATION_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {t(`inbox.statuses.${s}`)}
                  </option>
                ))}
              </select>
            </div>
            <TransferControl conversationId={c.id} teamId={c.teamId} assigneeId={c.assigneeId} />
            {layout && (
              <PaneToggle
                expanded={!sidebarCollapsed}
                controls={ids.sidebar}
                label={sidebarCollapsed ? t('inbox.workspace.showSidebar') : t('inbox.workspace.hideSidebar')}
                icon={sidebarCollapsed ? PanelRightOpen : PanelRightClose}
                onToggle={() => layout.toggle('sidebar')}
              />
            )}
          </div>
          {snoozeUntil !== null && (
            <form
              className="field inline"
              onSubmit={(e) => {
                e.preventDefault();
                const until = new Date(snoozeUntil);
                if (Number.isNaN(until.getTime())) return;
                setSnoozeUntil(null);
                void act(() =>
                  api.call('conversations:setStatus', {
                    id: c.id,
                    status: 'snoozed',
                    snoozedUntil: until.toISOString(),
                  }),
                );
              }}
            >
              <label htmlFor={ids.snooze}>{t('inbox.snoozeUntil')}</label>
              <input
                id={ids.snooze}
                type="datetime-local"
                value={snoozeUntil}
                onChange={(e) => setSnoozeUntil(e.target.value)}
                required
              />
              <button type="submit">{t('inbox.snooze')}</button>
              <button type="button" onClick={() => setSnoozeUntil(null)}>
                {t('inbox.cancel')}
              </button>
            </form>
          )}
        </header>
        <ol ref={thread} className="thread" aria-label={t('inbox.thread')}>
          {timeline.length > shown && (
            <li className="thread-earlier">
              <button type="button" onClick={() => setEarlier({ id: props.id, shown: shown + THREAD_PAGE })}>
                {t('inbox.showEarlier', { count: timeline.length - shown })}
              </button>
            </li>
          )}
          {timeline.length === 0 && (
            <li className="thread-empty hint">{t('inbox.workspace.states.emptyThread')}</li>
          )}
          {timeline.slice(-shown).map((m) => (
            <li key={m.id} className={`bubble ${m.kind === 'note' ? 'note' : m.direction}`}>
              {m.kind === 'note' && <NoteTag note={m} authorName={agentNames.get(m.authorId) ?? ''} />}
              {m.kind === 'message' && m.email && m.direction === 'in' ? (
                <EmailBody email={m.email} text={m.body} messageId={m.id} />
              ) : (
                m.body !== '' && <p className="body">{m.body}</p>
              )}
              {m.kind === 'message' && m.attachments && m.attachments.length > 0 && (
                <MessageAttachments conversationId={c.id} attachments={m.attachments} />
              )}
              {m.kind === 'note' && m.mentions.length > 0 && (
                <span className="meta">
                  {t('inbox.mentions', {
                    names: m.mentions.map((id) => agentNames.get(id) ?? id).join(', '),
                  })}
                </span>
              )}
              <span className="meta">
                {new Date(m.createdAt).toLocaleString()}
                {queuedSet.has(m.id) && <span className="queued"> · {t('inbox.queued')}</span>}
                {m.id === lastSeenReply && <span> · {t('inbox.seenByCustomer')}</span>}
                {m.kind === 'message' && m.delivery && !queuedSet.has(m.id) && (
                  <DeliveryState delivery={m.delivery} />
                )}
              </span>
            </li>
          ))}
        </ol>
        <p role="status" aria-label={t('inbox.typingStatus')} className="item-sub">
          {customerTyping ? t('inbox.customerTyping') : ''}
        </p>
        <form className="composer" onSubmit={send}>
          <label htmlFor={ids.body}>{asNote ? t('inbox.noteLabel') : t('inbox.replyLabel')}</label>
          <textarea
            ref={composer}
            id={ids.body}
            value={body}
            rows={3}
            maxLength={20000}
            aria-describedby={asNote ? undefined : `${ids.route} ${ids.hint}`}
            onKeyDown={(e) => {
              // Ctrl+Enter (Cmd+Enter on a Mac) sends, as in most inbox tools.
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                e.currentTarget.form?.requestSubmit();
              }
            }}
            onChange={(e) => {
              setBody(e.target.value);
              if (!asNote && !e.target.value.startsWith('/')) setTyping(e.target.value.trim() !== '');
            }}
          />
          {!asNote && (
            <ReplyChannel
              route={replyRoute}
              id={ids.route}
              onWriteNote={() => {
                setAsNote(true);
                composer.current?.focus();
              }}
            />
          )}
          {!asNote && (
            <p id={ids.hint} className="item-sub">
              {t('inbox.cannedHint')}
            </p>
          )}
          {!asNote && body.startsWith('/') && (
            <CannedReplies query={body.slice(1)} onPick={(text) => setBody(text)} />
          )}
          <div className="actions">
            <label>
              <input type="checkbox" checked={asNote} onChange={(e) => setAsNote(e.target.checked)} />{' '}
              {t('inbox.asNote')}
            </label>
            {(c.channel === 'chat' || c.channel === 'email') && !asNote && (
              <SendFileButton conversationId={c.id} />
            )}
            <span className="send-state" role="status" aria-label={t('inbox.workspace.sendState')}>
              {sending ? t('inbox.workspace.sending') : ''}
            </span>
            <button type="submit" disabled={!body.trim() || refused || sending} aria-busy={sending}>
              {asNote ? t('inbox.addNote') : t('inbox.send')}
            </button>
          </div>
          <ErrorText error={error} />
        </form>
      </div>
      {layout && !sidebarCollapsed && (
        <Splitter
          pane="sidebar"
          label={t('inbox.workspace.resizeSidebar')}
          width={widthOf(layout.layout, 'sidebar')}
          controls={ids.sidebar}
          onPreview={(w) => layout.preview('sidebar', w)}
          onCommit={(w) => layout.resize('sidebar', w)}
          onToggle={() => layout.toggle('sidebar')}
        />
      )}
      {!sidebarCollapsed && (
        <ConversationSidebar
          id={ids.sidebar}
          conversation={c}
          history={detail.data.customerHistory}
          now={now}
        />
      )}
    </article>
  );
}
