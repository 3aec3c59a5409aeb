import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConversationView } from '../../../shared/views';
import { LabelChips, SlaBadge } from '../../ui/SlaBadge';

/** Height of one inbox row in px; the virtualized list positions rows by it (see styles.css). */
export const ROW_HEIGHT = 76;

/**
 * One inbox row: a button naming the customer, with unread count, channel · status · subject, SLA
 * badge and labels; a focusable "Loading…" placeholder while its page is on its way.
 */
export const ConversationRow = memo(function ConversationRow(props: {
  conversation: ConversationView | null;
  selected: string | null;
  tabIndex: 0 | -1;
  now: number;
  onOpen: (id: string) => void;
}) {
  const { t } = useTranslation();
  const c = props.conversation;
  if (!c) {
    return (
      <div className="item item-loading" data-placeholder="" tabIndex={props.tabIndex} aria-busy="true">
        {t('inbox.loadingRow')}
      </div>
    );
  }
  return (
    <button
      type="button"
      className="item"
      tabIndex={props.tabIndex}
      aria-current={props.selected === c.id ? 'true' : undefined}
      onClick={() => props.onOpen(c.id)}
    >
      <span className="item-title">
        {c.customerName ?? t('inbox.unknownCustomer')}
        {c.unread > 0 && <span className="badge badge-unread">{t('inbox.unread', { count: c.unread })}</span>}
      </span>
      <span className="item-sub">
        {t(`channels.${c.channel}`)} · {t(`inbox.statuses.${c.status}`)} · {c.subject}
      </span>
      <span>
        <SlaBadge dueAt={c.slaDueAt} status={c.status} now={props.now} /> <LabelChips labels={c.labels} />
      </span>
    </button>
  );
});
