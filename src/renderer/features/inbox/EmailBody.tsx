import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { MessageDelivery, MessageEmail } from '../../../shared/sync/entities';

/**
 * The document of a mail's frame: the relay's sanitized HTML under a policy of its own that
 * loads nothing (no scripts, no fetches, no forms; images only inline, or remote ones once the
 * agent allowed them), links opening outside. The frame itself is sandboxed without scripts.
 */
export function mailDocument(html: string, remoteAllowed: boolean): string {
  const body = remoteAllowed ? html.replace(/\sdata-remote-src="/g, ' src="') : html;
  const csp = [
    "default-src 'none'",
    `img-src data:${remoteAllowed ? ' https: http:' : ''}`,
    "style-src 'unsafe-inline'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}"><base target="_blank"><style>body{font:14px/1.45 system-ui,sans-serif;margin:8px;overflow-wrap:anywhere}img{max-width:100%;height:auto}</style></head><body>${body}</body></html>`;
}

/**
 * An email message in the thread: sender, recipients and subject as text, then the HTML in a
 * sandboxed frame (plain text when the mail had no HTML), saying how many remote images were held back.
 */
export function EmailBody(props: { email: MessageEmail; text: string }) {
  const { t } = useTranslation();
  const e = props.email;
  // Remote images stay blocked: the app's own CSP (img-src 'self' data: blob:) also applies to
  // srcdoc frames, so letting the agent allow them needs that policy (or a relay image proxy) first.
  const doc = useMemo(() => (e.html ? mailDocument(e.html, false) : null), [e.html]);
  return (
    <div className="email">
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
      {doc ? (
        <>
          <iframe
            className="email-frame"
            title={t('inbox.email.frameTitle', { subject: e.subject })}
            sandbox=""
            referrerPolicy="no-referrer"
            srcDoc={doc}
          />
          {(e.remoteImages ?? 0) > 0 && (
            <p className="item-sub">{t('inbox.email.remoteBlocked', { count: e.remoteImages ?? 0 })}</p>
          )}
        </>
      ) : (
        <p className="body">{props.text}</p>
      )}
    </div>
  );
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
