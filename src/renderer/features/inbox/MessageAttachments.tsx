import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MessageAttachment } from '../../../shared/sync/entities';
import { useApi } from '../../app/context';
import { ErrorText } from '../../ui/ErrorText';

/** "12 KB", "3.4 MB": sizes as people read them. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
}

/**
 * Files on a message: name and size, each a button that has main fetch the bytes with the agent's
 * token and saves them through a short-lived blob URL. Names are text, never markup.
 */
export function MessageAttachments(props: { conversationId: string; attachments: MessageAttachment[] }) {
  const { t } = useTranslation();
  const api = useApi();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const save = async (a: MessageAttachment) => {
    setError(null);
    setBusy(a.id);
    try {
      const f = await api.call('messages:getAttachment', {
        conversationId: props.conversationId,
        attachmentId: a.id,
      });
      const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
      // A download, never a navigation: the blob is typed as opaque bytes so nothing renders it.
      const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = f.name;
      link.rel = 'noopener';
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      setError(
        t('inbox.attachmentFailed', {
          name: a.name,
          reason: err instanceof Error ? err.message : String(err),
        }),
      );
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <ul className="attachments" aria-label={t('inbox.attachments')}>
        {props.attachments.map((a) => (
          <li key={a.id}>
            <button
              type="button"
              className="attachment"
              disabled={busy === a.id}
              aria-label={t('inbox.downloadAttachment', {
                name: a.name,
                size: formatSize(a.size),
              })}
              onClick={() => void save(a)}
            >
              <span aria-hidden="true">📎 </span>
              <span className="attachment-name">{a.name}</span>{' '}
              <span className="meta">{formatSize(a.size)}</span>
            </button>
          </li>
        ))}
      </ul>
      <ErrorText error={error} />
    </>
  );
}
