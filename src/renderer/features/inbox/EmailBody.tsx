import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { REMOTE_SRC_RE, unescapeAttribute } from '../../../shared/remoteImages';
import type { MessageDelivery, MessageEmail } from '../../../shared/sync/entities';
import { useApi } from '../../app/context';
import { ErrorText } from '../../ui/ErrorText';

/**
 * The document of a mail's frame: the relay's sanitized HTML under a policy of its own that
 * loads nothing (no scripts, no fetches, no forms; images only inline: remote ones the agent
 * allowed arrive from the relay as data: URLs in `images`), links opening outside. Quoted history
 * (blockquotes) is hidden unless `showQuoted`. The frame itself is sandboxed without scripts.
 */
export function mailDocument(
  html: string,
  images: Readonly<Record<string, string>> | null = null,
  showQuoted = true,
): string {
  const body = images
    ? html.replace(REMOTE_SRC_RE, (whole, url: string) => {
        const data = images[unescapeAttribute(url)];
        return data && /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=]+$/.test(data)
          ? ` src="${data}"`
          : whole;
      })
    : html;
  const csp = [
    "default-src 'none'",
    'img-src data:',
    "style-src 'unsafe-inline'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
  const quotes = showQuoted ? '' : 'blockquote{display:none}';
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}"><base target="_blank"><style>body{font:14px/1.45 system-ui,sans-serif;margin:8px;overflow-wrap:anywhere}img{max-width:100%;height:auto}${quotes}</style></head><body>${body}</body></html>`;
}

/** Whether a mail's HTML holds quoted history (what most clients put in a blockquote). */
export const hasQuotedHtml = (html: string): boolean => /<blockquote[\s>]/i.test(html);

const QUOTE_HEADER = /(wrote|写道|寫道)\s*[:：]\s*$/i;

/**
 * A plain-text mail split into what the customer wrote now and the quoted history under it:
 * from an "On … wrote:" line followed by "> " lines, or from the first line of a trailing run of
 * "> " lines. `quoted` is null when there is none.
 */
export function splitQuoted(text: string): { fresh: string; quoted: string | null } {
  const lines = text.split('\n');
  const quotedFrom = (i: number) => lines.slice(i).every((l) => l.startsWith('>') || l.trim() === '');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const next = lines.slice(i + 1).find((l) => l.trim() !== '');
    const start =
      QUOTE_HEADER.test(line) && next?.startsWith('>') && quotedFrom(i + 1)
        ? i
        : line.startsWith('>') && quotedFrom(i)
          ? i
          : -1;
    if (start < 0) continue;
    const fresh = lines.slice(0, start).join('\n').trimEnd();
    if (fresh === '') return { fresh: text, quoted: null }; // all quote: show it as it is
    return { fresh, quoted: lines.slice(start).join('\n') };
  }
  return { fresh: text, quoted: null };
}

/**
 * An email message in the thread: sender, recipients and subject as text, then the HTML in a
 * sandboxed frame (plain text when the mail had no HTML) with its quoted history folded away.
 * Remote images stay blocked until the agent allows them for this message; the relay then
 * fetches them (the sender sees the relay, not the agent) and they arrive as data: URLs.
 */
export function EmailBody(props: { email: MessageEmail; text: string; messageId: string }) {
  const { t } = useTranslation();
  const e = props.email;
  const { images, failed, loading, error, allow } = useRemoteImages(props.messageId);
  const [showQuoted, setShowQuoted] = useState(false);
  const split = useMemo(() => splitQuoted(props.text), [props.text]);
  const quoted = e.html ? hasQuotedHtml(e.html) : split.quoted !== null;
  const doc = useMemo(
    () => (e.html ? mailDocument(e.html, images, showQuoted) : null),
    [e.html, images, showQuoted],
  );
  const blocked = e.remoteImages ?? 0;

  return (
    <div className="email">
      <EmailHeaders email={e} />
      {doc ? (
        <iframe
          className="email-frame"
          title={t('inbox.email.frameTitle', { subject: e.subject })}
          sandbox=""
          referrerPolicy="no-referrer"
          srcDoc={doc}
        />
      ) : (
        <p className="body">{split.quoted !== null && !showQuoted ? split.fresh : props.text}</p>
      )}
      {quoted && (
        <button type="button" aria-expanded={showQuoted} onClick={() => setShowQuoted(!showQuoted)}>
          {showQuoted ? t('inbox.email.hideQuoted') : t('inbox.email.showQuoted')}
        </button>
      )}
      {doc && blocked > 0 && images === null && (
        <p className="item-sub">
          {t('inbox.email.remoteBlocked', { count: blocked })}{' '}
          <button type="button" disabled={loading} onClick={() => void allow()}>
            {loading ? t('inbox.email.remoteLoading') : t('inbox.email.remoteAllow')}
          </button>
        </p>
      )}
      {images !== null && failed > 0 && (
        <p className="item-sub">{t('inbox.email.remoteFailed', { count: failed })}</p>
      )}
      <ErrorText error={error ? t('inbox.email.remoteError', { error }) : null} />
    </div>
  );
}

/** Sender, recipients (To, Cc when there are any) and subject, as text. */
function EmailHeaders({ email: e }: { email: MessageEmail }) {
  const { t } = useTranslation();
  return (
    <dl className="email-headers">
      <dt>{t('inbox.email.from')}</dt>
      <dd>{e.from}</dd>
      {e.to.length > 0 && (
        <>
          <dt>{t('inbox.email.to')}</dt>
          <dd>{e.to.join(', ')}</dd>
        </>
      )}
      {e.cc.length > 0 && (
        <>
          <dt>{t('inbox.email.cc')}</dt>
          <dd>{e.cc.join(', ')}</dd>
        </>
      )}
      <dt>{t('inbox.email.subject')}</dt>
      <dd>{e.subject}</dd>
    </dl>
  );
}

/**
 * The remote images of a message, blocked until `allow` asks the relay to fetch them: the images
 * (data: URLs by address, null until allowed), how many failed, and the call's state.
 */
function useRemoteImages(messageId: string) {
  const api = useApi();
  const [images, setImages] = useState<Record<string, string> | null>(null);
  const [failed, setFailed] = useState(0);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const allow = async () => {
    setLoading(true);
    setError(null);
    try {
      const r = await api.call('messages:remoteImages', { messageId });
      setImages(r.images);
      setFailed(r.failed.length);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setLoading(false);
    }
  };
  return { images, failed, loading, error, allow };
}

/** "Sent", "Refused: 550 no such user": how far the relay got delivering a reply. */
export function DeliveryState(props: { delivery: MessageDelivery }) {
  const { t } = useTranslation();
  const d = props.delivery;
  return (
    <span className={`delivery ${d.state}`}>
      {' · '}
      {t(`inbox.delivery.${d.state}`)}
      {d.reason && (d.state === 'refused' || d.state === 'bounced') ? `: ${d.reason}` : ''}
    </span>
  );
}
