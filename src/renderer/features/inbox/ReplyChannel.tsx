import { useTranslation } from 'react-i18next';
import type { ReplyRoute } from '../../../shared/replyRoute';

/**
 * The composer's line about where a reply goes out (web chat, email to an address, the API
 * channel), or why none can and what to do instead: a button that turns the reply into a note.
 */
export function ReplyChannel(props: { route: ReplyRoute; id: string; onWriteNote: () => void }) {
  const { t } = useTranslation();
  const r = props.route;
  if (r.ok)
    return (
      <p id={props.id} className="item-sub reply-channel">
        {r.channel === 'email'
          ? t('inbox.replyRoute.email', { to: r.to })
          : t(`inbox.replyRoute.${r.channel}`)}
      </p>
    );
  return (
    <div className="reply-channel refused">
      <p id={props.id} role="alert">
        {t(`inbox.replyRoute.${r.reason}`)}
      </p>
      <button type="button" onClick={props.onWriteNote}>
        {t('inbox.replyRoute.writeNote')}
      </button>
    </div>
  );
}
