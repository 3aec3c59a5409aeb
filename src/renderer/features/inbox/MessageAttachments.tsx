import { useRef, useState } from 'react';
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

/** Bytes as base64, in slices (a spread of a large array would overflow the stack). */
function toBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    bin += String.fromCharCode(...bytes.subarray(i, Math.min(i + 0x8000, bytes.length)));
  return btoa(bin);
}

/** Raw bytes per part: 384 KiB is 512 KiB of base64, well under any transport's frame limit. */
const PART = 384 * 1024;

/**
 * Sends files to a web chat's visitor or an email customer: each goes out as its own message (on
 * email, as a mail with the file attached) once main has handed it to the relay (online only). The relay's refusal (type, size) is shown as it says it.
 */
export function SendFileButton(props: { conversationId: string }) {
  const { t } = useTranslation();
  const api = useApi();
  const input = useRef<HTMLInputElement>(null);
  const [sending, setSending] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const sendAll = async (files: File[]) => {
    setError(null);
    for (const f of files) {
      setSending(f.name);
      try {
        const bytes = new Uint8Array(await f.arrayBuffer());
        const uploadId = crypto.randomUUID();
        for (let at = 0; ; at += PART) {
          const done = at + PART >= bytes.length;
          await api.call('messages:sendAttachment', {
            conversationId: props.conversationId,
            uploadId,
            name: f.name || 'file',
            part: toBase64(bytes.subarray(at, at + PART)),
            done,
          });
          if (done) break;
        }
      } catch (err) {
        setError(
          t('inbox.sendFileFailed', {
            name: f.name,
            reason: err instanceof Error ? err.message : String(err),
          }),
        );
      }
    }
    setSending(null);
  };

  return (
    <>
      <button type="button" disabled={sending !== null} onClick={() => input.current?.click()}>
        {t('inbox.sendFile')}
      </button>
      {/* The button is the control; the input only opens the system's file picker. */}
      <input
        ref={input}
        type="file"
        multiple
        hidden
        aria-hidden="true"
        tabIndex={-1}
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = '';
          void sendAll(files);
        }}
      />
      {sending !== null && <span role="status">{t('inbox.sendingFile', { name: sending })}</span>}
      <ErrorText error={error} />
    </>
  );
}
