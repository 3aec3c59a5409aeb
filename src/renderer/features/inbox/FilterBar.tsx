import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { X } from 'lucide-react';
import {
  INBOX_VIEWS,
  MAX_SAVED_VIEWS,
  SLA_FILTERS,
  type InboxFilters,
  type SavedInboxView,
} from '../../../shared/inboxFilters';
import { CHANNELS, CONVERSATION_STATUSES } from '../../../shared/sync/entities';
import { useApi, useRoot } from '../../app/context';
import { useQuery } from '../../app/useQuery';
import { ErrorText } from '../../ui/ErrorText';
import { BUILT_IN_VIEWS, addView, sameFilters, withFilter } from './savedViews';

const NO_VIEWS: readonly SavedInboxView[] = [];

/**
 * The inbox's one filter bar: views (built-in "Mine", "Open", "Due soon", then the agent's own),
 * each a toggle button with its count, and the filters as compact drop-downs (their labels stay
 * for screen readers). The current filters can be saved as a view, kept per agent in settings.
 * Counts are asked only once `countsEnabled` (after the list's first rows), so they never hold
 * up the list.
 */
export function FilterBar(props: {
  filters: InboxFilters;
  labels: readonly string[];
  countsEnabled: boolean;
  onChange: (f: InboxFilters) => void;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const agentId = useRoot((s) => s.session?.agent?.id ?? null);
  const all = useRoot((s) => s.settings?.savedInboxViews);
  const setSettings = useRoot((s) => s.setSettings);
  const mine = (agentId && all?.[agentId]) || NO_VIEWS;
  const [naming, setNaming] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const ids = {
    view: useId(),
    channel: useId(),
    status: useId(),
    label: useId(),
    sla: useId(),
    name: useId(),
  };
  const f = props.filters;
  const set = <K extends keyof InboxFilters>(key: K, value: InboxFilters[K] | '') =>
    props.onChange(withFilter(f, key, value));

  const saveViews = async (views: SavedInboxView[]) => {
    if (!agentId) return;
    setError(null);
    try {
      setSettings(await api.call('settings:update', { savedInboxViews: { ...all, [agentId]: views } }));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const onSave = (e: FormEvent) => {
    e.preventDefault();
    const name = (naming ?? '').trim();
    if (!name) return;
    setNaming(null);
    void saveViews(addView(mine, { name, filters: f }, MAX_SAVED_VIEWS));
  };
  const isSaved = [...BUILT_IN_VIEWS.map((v) => v.filters), ...mine.map((v) => v.filters)].some((v) =>
    sameFilters(v, f),
  );

  return (
    <div className="filter-bar">
      <ul className="saved-views" aria-label={t('inbox.workspace.views')}>
        {BUILT_IN_VIEWS.map((v) => (
          <li key={v.id}>
            <ViewButton
              name={t(`inbox.workspace.builtInViews.${v.id}`)}
              filters={v.filters}
              current={f}
              countsEnabled={props.countsEnabled}
              onPick={props.onChange}
            />
          </li>
        ))}
        {mine.map((v) => (
          <li key={v.name} className="saved-view">
            <ViewButton
              name={v.name}
              filters={v.filters}
              current={f}
              countsEnabled={props.countsEnabled}
              onPick={props.onChange}
            />
            <button
              type="button"
              className="icon-button"
              aria-label={t('inbox.workspace.removeView', { name: v.name })}
              title={t('inbox.workspace.removeView', { name: v.name })}
              onClick={() => void saveViews(mine.filter((o) => o.name !== v.name))}
            >
              <X size={12} aria-hidden="true" />
            </button>
          </li>
        ))}
      </ul>
      <div className="filters">
        <label htmlFor={ids.view} className="visually-hidden">
          {t('inbox.viewLabel')}
        </label>
        <select
          id={ids.view}
          value={f.view ?? 'all'}
          onChange={(e) => set('view', e.target.value as InboxFilters['view'])}
        >
          {INBOX_VIEWS.map((v) => (
            <option key={v} value={v}>
              {t(`inbox.views.${v}`)}
            </option>
          ))}
        </select>
        <label htmlFor={ids.status} className="visually-hidden">
          {t('inbox.filterStatus')}
        </label>
        <select
          id={ids.status}
          value={f.status ?? ''}
          onChange={(e) => set('status', e.target.value as InboxFilters['status'] | '')}
        >
          <option value="">{t('inbox.workspace.anyStatus')}</option>
          {CONVERSATION_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`inbox.statuses.${s}`)}
            </option>
          ))}
        </select>
        <label htmlFor={ids.channel} className="visually-hidden">
          {t('inbox.filterChannel')}
        </label>
        <select
          id={ids.channel}
          value={f.channel ?? ''}
          onChange={(e) => set('channel', e.target.value as InboxFilters['channel'] | '')}
        >
          <option value="">{t('inbox.allChannels')}</option>
          {CHANNELS.map((ch) => (
            <option key={ch} value={ch}>
              {t(`channels.${ch}`)}
            </option>
          ))}
        </select>
        <label htmlFor={ids.label} className="visually-hidden">
          {t('inbox.filterLabel')}
        </label>
        <select id={ids.label} value={f.label ?? ''} onChange={(e) => set('label', e.target.value)}>
          <option value="">{t('inbox.allLabels')}</option>
          {/* The chosen label stays offered even before (or after) it is in the cache. */}
          {[...new Set([...props.labels, ...(f.label ? [f.label] : [])])].map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </select>
        <label htmlFor={ids.sla} className="visually-hidden">
          {t('inbox.filterSla')}
        </label>
        <select
          id={ids.sla}
          value={f.sla ?? ''}
          onChange={(e) => set('sla', e.target.value as InboxFilters['sla'] | '')}
        >
          <option value="">{t('inbox.slaFilters.any')}</option>
          {SLA_FILTERS.map((s) => (
            <option key={s} value={s}>
              {t(`inbox.slaFilters.${s}`)}
            </option>
          ))}
        </select>
        {naming === null ? (
          <button
            type="button"
            className="save-view"
            disabled={isSaved || !agentId || mine.length >= MAX_SAVED_VIEWS}
            onClick={() => setNaming('')}
          >
            {t('inbox.workspace.saveView')}
          </button>
        ) : (
          <form className="name-view" onSubmit={onSave}>
            <label htmlFor={ids.name} className="visually-hidden">
              {t('inbox.workspace.viewName')}
            </label>
            <input
              id={ids.name}
              value={naming}
              maxLength={40}
              placeholder={t('inbox.workspace.viewName')}
              autoFocus
              onChange={(e) => setNaming(e.target.value)}
              onKeyDown={(e) => e.key === 'Escape' && setNaming(null)}
            />
            <button type="submit" disabled={!naming.trim()}>
              {t('customers.save')}
            </button>
            <button type="button" onClick={() => setNaming(null)}>
              {t('inbox.cancel')}
            </button>
          </form>
        )}
      </div>
      <ErrorText error={error} />
    </div>
  );
}

/** One view: pressed while its filters are the list's; its count once counts are asked. */
function ViewButton(props: {
  name: string;
  filters: InboxFilters;
  current: InboxFilters;
  countsEnabled: boolean;
  onPick: (f: InboxFilters) => void;
}) {
  const { t } = useTranslation();
  const count = useQuery('conversations:list', props.countsEnabled ? { ...props.filters, limit: 1 } : null);
  const total = count.data?.total;
  return (
    <button
      type="button"
      className="view-chip"
      aria-pressed={sameFilters(props.filters, props.current)}
      onClick={() => props.onPick({ ...props.filters })}
    >
      {props.name}
      {total !== undefined && (
        <span className="view-count">
          <span className="visually-hidden">: </span>
          {t('inbox.workspace.viewCount', { count: total })}
        </span>
      )}
    </button>
  );
}
