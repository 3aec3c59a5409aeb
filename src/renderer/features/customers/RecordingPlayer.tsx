import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallRecording } from '../../../shared/recording';
import { useApi } from '../../app/context';
import { ErrorText } from '../../ui/ErrorText';
import { fromBase64 } from '../phone/callRecorder';

/**
 * Plays a call's recording: fetched through main in windows (the local copy until it is uploaded,
 * else the relay's, which checks the agent's role and team), played from a blob: URL.
 */
export function RecordingPlayer(props: { recording: CallRecording; when: string }) {
  const { t } = useTranslation();
  const api = useApi();
  const [url, setUrl] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => () => void (url && URL.revokeObjectURL(url)), [url]);

  const load = async () => {
    setBusy(true);
    setError(null);
    try {
      const parts: Uint8Array<ArrayBuffer>[] = [];
      let offset = 0;
      let mime = props.recording.mime as string;
      for (;;) {
        const w = await api.call('recordings:read', { id: props.recording.id, offset });
        const bytes = fromBase64(w.base64);
        parts.push(bytes);
        mime = w.mime;
        offset += bytes.length;
        if (bytes.length === 0 || offset >= w.total) break;
      }
      setUrl(URL.createObjectURL(new Blob(parts, { type: mime })));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  if (url)
    return (
      <audio
        controls
        src={url}
        preload="metadata"
        aria-label={t('customers.recordingOf', { when: props.when })}
      />
    );
  return (
    <>
      <button
        type="button"
        disabled={busy}
        aria-label={`${t('customers.playRecording')}: ${props.when}`}
        onClick={() => void load()}
      >
        {busy ? t('customers.loadingRecording') : t('customers.playRecording')}
      </button>
      <ErrorText error={error} />
    </>
  );
}
