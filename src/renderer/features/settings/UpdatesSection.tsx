import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi, useRoot } from '../../app/context';
import { ErrorText } from '../../ui/ErrorText';

/** Settings › Updates: current and available versions, release notes, progress, and the choice to restart. */
export function UpdatesSection() {
  const { t } = useTranslation();
  const api = useApi();
  const status = useRoot((s) => s.updates);
  const setUpdates = useRoot((s) => s.setUpdates);
  const [error, setError] = useState<string | null>(null);
  if (!status) return null;

  const run = async (channel: 'updates:check' | 'updates:installNow') => {
    setError(null);
    try {
      setUpdates(await api.call(channel, {}));
    } catch (err) {
      setError(t('errors.generic', { message: err instanceof Error ? err.message : String(err) }));
    }
  };

  return (
    <section aria-labelledby="updates-title" className="card">
      <h2 id="updates-title">{t('updates.title')}</h2>
      <dl className="about">
        <dt>{t('updates.current')}</dt>
        <dd data-testid="update-current">{status.currentVersion}</dd>
        <dt>{t('updates.channel')}</dt>
        <dd>{status.channel}</dd>
        {status.available && (
          <>
            <dt>{t('updates.available')}</dt>
            <dd data-testid="update-available">{status.available.version}</dd>
          </>
        )}
      </dl>
      <p role="status">
        {status.supported
          ? t(`updates.state.${status.state}`, { progress: status.progress ?? 0 })
          : status.unsupportedReason}
      </p>
      {status.waitingFor && <p className="hint">{t(`updates.waiting.${status.waitingFor}`)}</p>}
      {status.available?.deadline && (
        <p className="hint">
          {t('updates.deadline', { when: new Date(status.available.deadline).toLocaleString() })}
        </p>
      )}
      {status.available?.releaseNotes && (
        <details>
          <summary>{t('updates.notes')}</summary>
          {/* Plain text on purpose: release notes never become markup. */}
          <pre className="release-notes">{status.available.releaseNotes}</pre>
        </details>
      )}
      <ErrorText error={status.lastError?.message} />
      <ErrorText error={error} />
      {status.supported && (
        <div className="actions">
          <button
            type="button"
            onClick={() => void run('updates:check')}
            disabled={status.state === 'checking'}
          >
            {t('updates.checkNow')}
          </button>
          {status.state === 'downloaded' && (
            <button type="button" onClick={() => void run('updates:installNow')}>
              {t('updates.installNow')}
            </button>
          )}
        </div>
      )}
    </section>
  );
}
