import type { Ref } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConversationView, TimelineItemView } from '../../../shared/views';
import { NoteTag } from '../supervisor/NoteTag';
import { DeliveryState, EmailBody } from './EmailBody';
import { MessageAttachments } from './MessageAttachments';

/** The web chat visitor's read receipt goes on the agents' last reply they have seen. */
function lastSeenReplyId(c: ConversationView, timeline: TimelineItemView[]): string | undefined {
  return c.visitorReadAt === undefined
    ? undefined
    : timeline
        .filter((m) => m.kind === 'message' && m.direction === 'out' && m.createdAt <= c.visitorReadAt!)
        .at(-1)?.id;
}

/**
 * The thread, the pane's one scroller: messages and internal notes, the newest of them (`earlier`
 * older ones are not shown; "Show earlier" asks for more). The pane keeps it at the newest message
 * (useFollowNewest).
 */
export function ConversationThread({
  ref,
  ...props
}: {
  conversation: ConversationView;
  timeline: TimelineItemView[];
  /** Ids of messages and notes the relay has not yet acknowledged. */
  queued: string[];
  agentNames: ReadonlyMap<string, string>;
  /** The pane's hold on the scroller, to keep it at the newest message. */
  ref: Ref<HTMLOListElement>;
  /** Older entries than those in `timeline`, not shown. */
  earlier: number;
  onShowEarlier: () => void;
}) {
  const { t } = useTranslation();
  const { conversation: c, timeline, earlier } = props;
  const queued = new Set(props.queued);
  const lastSeenReply = lastSeenReplyId(c, timeline);
  return (
    <ol ref={ref} className="thread" aria-label={t('inbox.thread')}>
      {earlier > 0 && (
        <li className="thread-earlier">
          <button type="button" onClick={props.onShowEarlier}>
            {t('inbox.showEarlier', { count: earlier })}
          </button>
        </li>
      )}
      {timeline.length === 0 && earlier === 0 && (
        <li className="thread-empty hint">{t('inbox.workspace.states.emptyThread')}</li>
      )}
      {timeline.map((m) => (
        <ThreadItem
          key={m.id}
          item={m}
          conversationId={c.id}
          agentNames={props.agentNames}
          queued={queued.has(m.id)}
          seenByCustomer={m.id === lastSeenReply}
        />
      ))}
    </ol>
  );
}

/** One message or note of the thread, with its time and how far it got. */
function ThreadItem({
  item: m,
  conversationId,
  agentNames,
  queued,
  seenByCustomer,
}: {
  item: TimelineItemView;
  conversationId: string;
  agentNames: ReadonlyMap<string, string>;
  queued: boolean;
  seenByCustomer: boolean;
}) {
  const { t } = useTranslation();
  return (
    <li className={`bubble ${m.kind === 'note' ? 'note' : m.direction}`}>
      {m.kind === 'note' && <NoteTag note={m} authorName={agentNames.get(m.authorId) ?? ''} />}
      {m.kind === 'message' && m.email && m.direction === 'in' ? (
        <EmailBody email={m.email} text={m.body} messageId={m.id} />
      ) : (
        m.body !== '' && <p className="body">{m.body}</p>
      )}
      {m.kind === 'message' && m.attachments && m.attachments.length > 0 && (
        <MessageAttachments conversationId={conversationId} attachments={m.attachments} />
      )}
      {m.kind === 'note' && m.mentions.length > 0 && (
        <span className="meta">
          {t('inbox.mentions', { names: m.mentions.map((id) => agentNames.get(id) ?? id).join(', ') })}
        </span>
      )}
      <span className="meta">
        {new Date(m.createdAt).toLocaleString()}
        {queued && <span className="queued"> · {t('inbox.queued')}</span>}
        {seenByCustomer && <span> · {t('inbox.seenByCustomer')}</span>}
        {m.kind === 'message' && m.delivery && !queued && <DeliveryState delivery={m.delivery} />}
      </span>
    </li>
  );
}
