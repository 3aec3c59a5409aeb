import type { InboxFilters, SavedInboxView } from '../../../shared/inboxFilters';

/** The filter bar's built-in views, first in the bar. */
export const BUILT_IN_VIEWS = [
  { id: 'mine', filters: { view: 'mine', status: 'open' } },
  { id: 'open', filters: { view: 'all', status: 'open' } },
  { id: 'dueSoon', filters: { view: 'all', status: 'open', sla: 'soon' } },
] as const satisfies readonly { id: string; filters: InboxFilters }[];
export type BuiltInViewId = (typeof BUILT_IN_VIEWS)[number]['id'];

/** What the inbox shows when it opens: the open conversations the agent may see. */
export const DEFAULT_FILTERS: InboxFilters = { view: 'all', status: 'open' };

const KEYS = ['view', 'status', 'channel', 'label', 'sla'] as const;

/** Whether two filter sets pick the same conversations (an absent view is "all"). */
export function sameFilters(a: InboxFilters, b: InboxFilters): boolean {
  return KEYS.every((k) => (k === 'view' ? (a.view ?? 'all') === (b.view ?? 'all') : a[k] === b[k]));
}

/** The filters with one changed; '' clears it. */
export function withFilter<K extends (typeof KEYS)[number]>(
  f: InboxFilters,
  key: K,
  value: InboxFilters[K] | '',
): InboxFilters {
  const next = { ...f };
  if (value === '' || value === undefined) delete next[key];
  else next[key] = value;
  return next;
}

/** The agent's saved views with one added (same name: replaced), at most `max`. */
export function addView(
  views: readonly SavedInboxView[],
  view: SavedInboxView,
  max: number,
): SavedInboxView[] {
  const rest = views.filter((v) => v.name !== view.name);
  return [...rest, view].slice(-max);
}
