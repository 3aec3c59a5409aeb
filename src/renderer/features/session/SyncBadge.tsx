import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { SessionState } from '../../../shared/session';
import { useRoot } from '../../app/context';

/** The sync state in words: online, offline with N changes waiting, syncing with progress. */
export function syncText(t: TFunction, session: SessionState): string {
  const { status, pending, progress } = session.sync;
  const pct = progress && progress.total > 0 ? Math.round((100 * progress.done) / progress.total) : null;
  const parts = [t(`sync.${status}`, { count: pending })];
  if (status === 'syncing' && pct !== null) parts[0] += ` ${pct}%`;
  if (pending > 0 && status !== 'offline') parts.push(t('sync.pending', { count: pending }));
  if (session.rejected > 0) parts.push(t('sync.rejected', { count: session.rejected }));
  return parts.join(' · ');
}

/**
 * The sync state as a live region, so a screen reader hears it change. Sighted agents read it in
 * the header's connection indicator (shell/ConnectionHealth), which shows the same words.
 */
export function SyncBadge() {
  const { t } = useTranslation();
  const session = useRoot((s) => s.session);
  if (!session || session.status !== 'signedIn') return null;
  return (
    <span
      role="status"
      aria-label={t('sync.label')}
      className={`visually-hidden sync-${session.sync.status}`}
    >
      {syncText(t, session)}
    </span>
  );
}
