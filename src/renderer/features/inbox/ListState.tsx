import { Inbox, ListFilter, PartyPopper } from 'lucide-react';
import { useTranslation } from 'react-i18next';
import type { InboxFilters } from '../../../shared/inboxFilters';
import { useQuery } from '../../app/useQuery';
import { PaneEmpty, PaneError, PaneLoading } from './PaneStates';
import { DEFAULT_FILTERS, sameFilters } from './savedViews';

/** Every conversation this agent may see, whatever its status. */
const EVERYTHING: InboxFilters = { view: 'all' };

/**
 * What the conversation list shows in place of rows: skeleton rows until the first answer, the
 * failure with Retry, or why it is empty. Empty has three cases: no conversation at all (nothing
 * to clear), none open under the default filters (all caught up, with a way to the closed ones),
 * and none matching the agent's filters (Clear filters). Nothing once there are rows.
 */
export function ListState(props: {
  total: number | null;
  error: string | null;
  filters: InboxFilters;
  onFilters: (f: InboxFilters) => void;
}) {
  const { t } = useTranslation();
  const empty = props.total === 0 && !props.error;
  // Only an empty list asks whether there is anything at all behind the filters.
  const any = useQuery('conversations:list', empty ? { ...EVERYTHING, limit: 1 } : null);
  // A failed refresh keeps the rows it had below the message.
  if (props.error) return <PaneError error={props.error} hint={t('inbox.workspace.states.listError')} />;
  if (props.total === null) return <PaneLoading label={t('inbox.workspace.states.loadingList')} rows={6} />;
  if (!empty || !any.data) return null;
  if (any.data.total === 0)
    return (
      <PaneEmpty
        icon={Inbox}
        title={t('inbox.workspace.states.noneTitle')}
        hint={t('inbox.workspace.states.noneHint')}
      />
    );
  if (sameFilters(props.filters, DEFAULT_FILTERS))
    return (
      <PaneEmpty
        icon={PartyPopper}
        title={t('inbox.workspace.states.caughtUpTitle')}
        hint={t('inbox.workspace.states.caughtUpHint')}
        action={
          <button type="button" onClick={() => props.onFilters({ ...EVERYTHING })}>
            {t('inbox.workspace.states.showAll')}
          </button>
        }
      />
    );
  return (
    <PaneEmpty
      icon={ListFilter}
      title={t('inbox.workspace.states.noMatchTitle')}
      hint={t('inbox.workspace.states.noMatch')}
      action={
        <button type="button" onClick={() => props.onFilters({ ...DEFAULT_FILTERS })}>
          {t('inbox.workspace.states.clearFilters')}
        </button>
      }
    />
  );
}
