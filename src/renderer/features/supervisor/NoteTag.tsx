import { useTranslation } from 'react-i18next';
import type { NoteData } from '../../../shared/sync/entities';

/**
 * The tag of a note in a conversation's thread: an internal note, or a supervisor's whisper
 * (shown only to the agent it is for and to supervisors; the relay keeps it from everyone else).
 */
export function NoteTag(props: { note: NoteData; authorName: string }) {
  const { t } = useTranslation();
  if (!props.note.whisperTo) return <span className="tag">{t('inbox.note')}</span>;
  return <span className="tag whisper">{t('supervisorNotice.whisperTag', { name: props.authorName })}</span>;
}
