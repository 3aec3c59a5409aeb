import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Channel } from '../../../shared/sync/entities';
import type { ReplyRoute } from '../../../shared/replyRoute';
import { useApi } from '../../app/context';
import { ErrorText } from '../../ui/ErrorText';
import { CannedReplies } from './CannedReplies';
import { SendFileButton } from './MessageAttachments';
import { ReplyChannel } from './ReplyChannel';
import type { ComposerState } from './useComposer';

/**
 * The composer pinned below the thread: a reply (where it goes, canned replies after '/') or an
 * internal note, sent with the button or Ctrl+Enter (Cmd+Enter on a Mac).
 */
export function Composer(props: {
  conversationId: string;
  channel: Channel;
  replyRoute: ReplyRoute;
  composer: ComposerState;
  ids: { body: string; route: string; hint: string };
  /** Runs one of the pane's actions, its failure shown below the composer. */
  act: (fn: () => Promise<unknown>) => Promise<void>;
  error: string | null;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const { body, setBody, asNote, setAsNote, setTyping, textarea } = props.composer;
  const { ids } = props;
  // A reply its channel cannot deliver is not offered (main and the relay refuse it too).
  const refused = !asNote && !props.replyRoute.ok;
  const send = (e: FormEvent) => {
    e.preventDefault();
    const text = body.trim();
    if (!text || refused) return;
    if (!asNote) setTyping(false);
    props.composer.setSending(true);
    void props
      .act(async () => {
        // The draft is this conversation's: send it there (never to one shown a moment before).
        await api.call(asNote ? 'notes:add' : 'messages:send', {
          conversationId: props.conversationId,
          body: text,
        });
        setBody('');
      })
      .finally(() => props.composer.setSending(false));
  };
  return (
    <form className="composer" onSubmit={send}>
      <label htmlFor={ids.body}>{asNote ? t('inbox.noteLabel') : t('inbox.replyLabel')}</label>
      <DraftField composer={props.composer} id={ids.body} describedBy={`${ids.route} ${ids.hint}`} />
      {!asNote && (
        <ReplyChannel
          route={props.replyRoute}
          id={ids.route}
          onWriteNote={() => {
            setAsNote(true);
            textarea.current?.focus();
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
      <ComposerActions
        conversationId={props.conversationId}
        channel={props.channel}
        composer={props.composer}
        refused={refused}
      />
      <ErrorText error={props.error} />
    </form>
  );
}

/** The draft's textarea: Ctrl+Enter (Cmd+Enter on a Mac) sends, as in most inbox tools. */
function DraftField(props: { composer: ComposerState; id: string; describedBy: string }) {
  const { body, setBody, asNote, setTyping, textarea } = props.composer;
  return (
    <textarea
      ref={textarea}
      id={props.id}
      value={body}
      rows={3}
      maxLength={20000}
      aria-describedby={asNote ? undefined : props.describedBy}
      onKeyDown={(e) => {
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
  );
}

/** Reply or note, send a file (chat and email replies), the sending state and the send button. */
function ComposerActions(props: {
  conversationId: string;
  channel: Channel;
  composer: ComposerState;
  refused: boolean;
}) {
  const { t } = useTranslation();
  const { body, asNote, setAsNote, sending } = props.composer;
  return (
    <div className="actions">
      <label>
        <input type="checkbox" checked={asNote} onChange={(e) => setAsNote(e.target.checked)} />{' '}
        {t('inbox.asNote')}
      </label>
      {(props.channel === 'chat' || props.channel === 'email') && !asNote && (
        <SendFileButton conversationId={props.conversationId} />
      )}
      <span className="send-state" role="status" aria-label={t('inbox.workspace.sendState')}>
        {sending ? t('inbox.workspace.sending') : ''}
      </span>
      <button type="submit" disabled={!body.trim() || props.refused || sending} aria-busy={sending}>
        {asNote ? t('inbox.addNote') : t('inbox.send')}
      </button>
    </div>
  );
}
