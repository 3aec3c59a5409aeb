import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConversationView } from '../../../shared/views';
import { LabelChips, SlaBadge } from '../../ui/SlaBadge';
import { ChannelIcon } from './ChannelIcon';

/** Height of one inbox row in px; the virtualized list positions rows by it (see workspace.css). */
export const ROW_HEIGHT = 64;

/** "5 min", "3 h", "2 d": how long since the last activity, short enough for a row. */
export function sinceText(t: (k: string, o: Record<string, number>) => string, ms: number): string {
  const m = Math.max(0, Math.floor(ms / 60_000));
  if (m < 60) return t('inbox.workspace.since.minutes', { m });
  if (m < 48 * 60) return t('inbox.workspace.since.hours', { h: Math.floor(m / 60) });
  return t('inbox.workspace.since.days', { d: Math.floor(m / 1440) });
}

/** Up to two initials of a name ("Alex Agent" → "AA", "李娜" → "李娜"). */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length > 1)
    return words
      .slice(0, 2)
      .map((w) => [...w][0]!.toUpperCase())
      .join('');
  return [...(words[0] ?? '')].slice(0, 2).join('').toUpperCase();
}

/**
 * One compact inbox row, a button: channel icon, customer, SLA badge or time since the last
 * activity; the latest message (or the subject); labels, unread count and the assignee's initials.
 * A focusable "Loading…" placeholder while its page is on its way.
 */
export const ConversationRow = memo(function ConversationRow(props: {
  conversation: ConversationView | null;
  agentNames: ReadonlyMap<string, string>;
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
  const assignee = c.assigneeId ? (props.agentNames.get(c.assigneeId) ?? null) : null;
  const sla = c.slaDueAt && c.status !== 'resolved';
  return (
    <button
      type="button"
      className="item row"
      tabIndex={props.tabIndex}
      aria-current={props.selected === c.id ? 'true' : undefined}
      onClick={() => props.onOpen(c.id)}
    >
      <span className="row-line">
        <ChannelIcon channel={c.channel} label={t(`channels.${c.channel}`)} />
        <span className="item-title">{c.customerName ?? t('inbox.unknownCustomer')}</span>
        {sla ? (
          <SlaBadge dueAt={c.slaDueAt} status={c.status} now={props.now} />
        ) : (
          <time className="row-time" dateTime={c.lastMessageAt}>
            {sinceText(t, props.now - Date.parse(c.lastMessageAt))}
          </time>
        )}
      </span>
      <span className="row-line item-sub">
        <span className="row-preview">
          {c.status !== 'open' && `${t(`inbox.statuses.${c.status}`)} · `}
          {c.preview ?? c.subject}
        </span>
      </span>
      <span className="row-line">
        <LabelChips labels={c.labels} />
        {c.unread > 0 && <span className="badge badge-unread">{t('inbox.unread', { count: c.unread })}</span>}
        {assignee && (
          // One element per avatar (rows are many): the text is for screen readers, the
          // initials are drawn from data-initials (workspace.css).
          <span className="avatar" data-initials={initials(assignee)} title={assignee}>
            {t('inbox.workspace.assignedTo', { name: assignee })}
          </span>
        )}
      </span>
    </button>
  );
});
