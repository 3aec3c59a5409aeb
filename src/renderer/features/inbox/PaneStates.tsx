import { useState, type ReactNode } from 'react';
import { CloudOff, RotateCw, type LucideIcon } from 'lucide-react';
import { useTranslation } from 'react-i18next';
import { useRoot } from '../../app/context';

/**
 * The workspace panes' designed states (#14): loading, empty, error and offline, each saying what
 * comes next instead of leaving a pane blank. Presentational apart from Retry (which asks every
 * query on screen again, as a data change does) and the offline banner (which reads the sync).
 */

/** Skeleton rows while a pane's data is on its way; the label is what a screen reader hears. */
export function PaneLoading(props: { label: string; rows?: number }) {
  const rows = props.rows ?? 4;
  return (
    <div className="pane-state pane-loading" role="status" aria-label={props.label}>
      <div className="skeleton" aria-hidden="true">
        {Array.from({ length: rows }, (_, i) => (
          <span key={i} className="skeleton-row" />
        ))}
      </div>
      <p className="hint">{props.label}</p>
    </div>
  );
}

/** Nothing to show: what the pane would hold and how to get something there. */
export function PaneEmpty(props: { title: string; hint: string; icon?: LucideIcon; action?: ReactNode }) {
  const Icon = props.icon;
  return (
    <div className="pane-state pane-empty">
      {Icon && <Icon className="pane-state-icon" size={28} aria-hidden="true" />}
      <p className="pane-state-title">{props.title}</p>
      <p className="hint">{props.hint}</p>
      {props.action}
    </div>
  );
}

/** A query failed: its message, what to do, and Retry. */
export function PaneError(props: { error: string; hint: string }) {
  const { t } = useTranslation();
  const bumpData = useRoot((s) => s.bumpData);
  return (
    <div className="pane-state pane-error">
      <p role="alert" className="error">
        {props.error}
      </p>
      <p className="hint">{props.hint}</p>
      <button type="button" onClick={bumpData}>
        <RotateCw size={14} aria-hidden="true" /> {t('inbox.workspace.states.retry')}
      </button>
    </div>
  );
}

/**
 * A quiet banner while the relay is out of reach: the panes keep showing the local cache, and
 * replies wait in the outbox. It stays through the reconnect attempts ('connecting') that follow
 * an outage, so it does not flicker with each try.
 */
export function OfflineBanner() {
  const { t } = useTranslation();
  const status = useRoot((s) => (s.session?.status === 'signedIn' ? s.session.sync.status : null));
  const pending = useRoot((s) => s.session?.sync.pending ?? 0);
  // Set while rendering (React's pattern for state derived from a changing value).
  const [shown, setShown] = useState(false);
  const next = status === 'offline' || (status === 'connecting' && shown);
  if (next !== shown) setShown(next);
  if (!next) return null;
  return (
    <p className="offline-banner" role="status" aria-label={t('inbox.workspace.states.offlineLabel')}>
      <CloudOff size={14} aria-hidden="true" />
      <span>
        {t('inbox.workspace.states.offline')}
        {pending > 0 && <> {t('inbox.workspace.states.offlinePending', { count: pending })}</>}
      </span>
    </p>
  );
}
