import { useTranslation } from 'react-i18next';
import { useRoot } from '../../app/context';

/** The header's sync status: online, offline with N changes waiting, syncing with progress. */
export function SyncBadge() {
  const { t } = useTranslation();
  const session = useRoot((s) => s.session);
  if (!session || session.status !== 'signedIn') return null;
  const { status, pending, progress } = session.sync;
  const pct = progress && progress.total > 0 ? Math.round((100 * progress.done) / progress.total) : null;
  return (
    <span role="status" aria-label={t('sync.label')} className={`sync sync-${status}`}>
      {t(`sync.${status}`, { count: pending })}
      {status === 'syncing' && pct !== null && (
        <>
          {' '}
          <progress max={100} value={pct} aria-label={t('sync.progress')} /> {pct}%
        </>
      )}
      {pending > 0 && status !== 'offline' && <> · {t('sync.pending', { count: pending })}</>}
      {session.rejected > 0 && <> · {t('sync.rejected', { count: session.rejected })}</>}
    </span>
  );
}
