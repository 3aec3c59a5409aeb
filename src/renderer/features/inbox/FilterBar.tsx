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
  const views = useSavedViews();
  const f = props.filters;
  const isSaved = [...BUILT_IN_VIEWS.map((v) => v.filters), ...views.mine.map((v) => v.filters)].some((v) =>
    sameFilters(v, f),
  );

  return (
    <div className="filter-bar">
      <ViewList views={views} current={f} countsEnabled={props.countsEnabled} onPick={props.onChange} />
      <div className="filters">
        <FilterSelects filters={f} labels={props.labels} onChange={props.onChange} />
        <SaveView
          disabled={isSaved || !views.agentId || views.mine.length >= MAX_SAVED_VIEWS}
          onSave={(name) => void views.save(addView(views.mine, { name, filters: f }, MAX_SAVED_VIEWS))}
        />
      </div>
      <ErrorText error={views.error} />
    </div>
  );
}

type SavedViews = ReturnType<typeof useSavedViews>;

/** The agent's own views (settings, per agent) and saving a new list of them. */
function useSavedViews() {
  const api = useApi();
  const agentId = useRoot((s) => s.session?.agent?.id ?? null);
  const all = useRoot((s) => s.settings?.savedInboxViews);
  const setSettings = useRoot((s) => s.setSettings);
  const mine = (agentId && all?.[agentId]) || NO_VIEWS;
  const [error, setError] = useState<string | null>(null);
  const save = async (views: SavedInboxView[]) => {
    if (!agentId) return;
    setError(null);
    try {
      setSettings(await api.call('settings:update', { savedInboxViews: { ...all, [agentId]: views } }));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return { agentId, mine, error, save };
}

/** The built-in views, then the agent's own, each with a button that removes it. */
function ViewList(props: {
  views: SavedViews;
  current: InboxFilters;
  countsEnabled: boolean;
  onPick: (f: InboxFilters) => void;
}) {
  const { t } = useTranslation();
  const { mine, save } = props.views;
  return (
    <ul className="saved-views" aria-label={t('inbox.workspace.views')}>
      {BUILT_IN_VIEWS.map((v) => (
        <li key={v.id}>
          <ViewButton
            name={t(`inbox.workspace.builtInViews.${v.id}`)}
            filters={v.filters}
            current={props.current}
            countsEnabled={props.countsEnabled}
            onPick={props.onPick}
          />
        </li>
      ))}
      {mine.map((v) => (
        <li key={v.name} className="saved-view">
          <ViewButton
            name={v.name}
            filters={v.filters}
            current={props.current}
            countsEnabled={props.countsEnabled}
            onPick={props.onPick}
          />
          <button
            type="button"
            className="icon-button"
            aria-label={t('inbox.workspace.removeView', { name: v.name })}
            title={t('inbox.workspace.removeView', { name: v.name })}
            onClick={() => void save(mine.filter((o) => o.name !== v.name))}
          >
            <X size={12} aria-hidden="true" />
          </button>
        </li>
      ))}
    </ul>
  );
}

/** The view, status, channel, label and SLA drop-downs. */
function FilterSelects(props: {
  filters: InboxFilters;
  labels: readonly string[];
  onChange: (f: InboxFilters) => void;
}) {
  const { t } = useTranslation();
  const f = props.filters;
  const set = <K extends keyof InboxFilters>(key: K, value: InboxFilters[K] | '') =>
    props.onChange(withFilter(f, key, value));
  const option = (value: string, label: string) => ({ value, label });
  return (
    <>
      <FilterSelect
        label={t('inbox.viewLabel')}
        value={f.view ?? 'all'}
        options={INBOX_VIEWS.map((v) => option(v, t(`inbox.views.${v}`)))}
        onChange={(v) => set('view', v as InboxFilters['view'])}
      />
      <FilterSelect
        label={t('inbox.filterStatus')}
        value={f.status ?? ''}
        options={[
          option('', t('inbox.workspace.anyStatus')),
          ...CONVERSATION_STATUSES.map((s) => option(s, t(`inbox.statuses.${s}`))),
        ]}
        onChange={(v) => set('status', v as InboxFilters['status'] | '')}
      />
      <FilterSelect
        label={t('inbox.filterChannel')}
        value={f.channel ?? ''}
        options={[
          option('', t('inbox.allChannels')),
          ...CHANNELS.map((ch) => option(ch, t(`channels.${ch}`))),
        ]}
        onChange={(v) => set('channel', v as InboxFilters['channel'] | '')}
      />
      <FilterSelect
        label={t('inbox.filterLabel')}
        value={f.label ?? ''}
        options={[
          option('', t('inbox.allLabels')),
          // The chosen label stays offered even before (or after) it is in the cache.
          ...[...new Set([...props.labels, ...(f.label ? [f.label] : [])])].map((l) => option(l, l)),
        ]}
        onChange={(v) => set('label', v)}
      />
      <FilterSelect
        label={t('inbox.filterSla')}
        value={f.sla ?? ''}
        options={[
          option('', t('inbox.slaFilters.any')),
          ...SLA_FILTERS.map((s) => option(s, t(`inbox.slaFilters.${s}`))),
        ]}
        onChange={(v) => set('sla', v as InboxFilters['sla'] | '')}
      />
    </>
  );
}

/** A compact drop-down whose label is there for screen readers only. */
function FilterSelect(props: {
  label: string;
  value: string;
  options: { value: string; label: string }[];
  onChange: (value: string) => void;
}) {
  const id = useId();
  return (
    <>
      <label htmlFor={id} className="visually-hidden">
        {props.label}
      </label>
      <select id={id} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </>
  );
}

/** "Save view", which asks for the new view's name in its place. */
function SaveView(props: { disabled: boolean; onSave: (name: string) => void }) {
  const { t } = useTranslation();
  const [naming, setNaming] = useState<string | null>(null);
  const id = useId();
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const name = (naming ?? '').trim();
    if (!name) return;
    setNaming(null);
    props.onSave(name);
  };
  if (naming === null)
    return (
      <button type="button" className="save-view" disabled={props.disabled} onClick={() => setNaming('')}>
        {t('inbox.workspace.saveView')}
      </button>
    );
  return (
    <form className="name-view" onSubmit={onSubmit}>
      <label htmlFor={id} className="visually-hidden">
        {t('inbox.workspace.viewName')}
      </label>
      <input
        id={id}
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
