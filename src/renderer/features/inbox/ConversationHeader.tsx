import { PanelRightClose, PanelRightOpen } from 'lucide-react';
import { useTranslation } from 'react-i18next';
import { CONVERSATION_STATUSES, type ConversationStatus } from '../../../shared/sync/entities';
import type { ConversationView } from '../../../shared/views';
import { useApi } from '../../app/context';
import { SlaBadge } from '../../ui/SlaBadge';
import { PaneToggle } from './PaneToggle';
import { TransferControl } from './TransferControl';
import type { WorkspaceLayoutControl } from './useWorkspaceLayout';

type Conversation = ConversationView;
/** Runs one of the pane's actions, its failure shown below the composer. */
type Act = (fn: () => Promise<unknown>) => Promise<void>;

/** A local datetime-local value one hour from now. */
function inAnHour(): string {
  const d = new Date(Date.now() + 3_600_000);
  d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
  return d.toISOString().slice(0, 16);
}

/**
 * The conversation pane's compact header: the customer, channel, subject and SLA, the status
 * (snoozing asks until when), the transfer and the sidebar's toggle.
 */
export function ConversationHeader(props: {
  conversation: Conversation;
  now: number;
  ids: { status: string; snooze: string; sidebar: string };
  /** The snooze being chosen (a datetime-local value), or null when none is. */
  snoozeUntil: string | null;
  onSnoozeUntil: (until: string | null) => void;
  act: Act;
  layout: WorkspaceLayoutControl | undefined;
  sidebarCollapsed: boolean;
}) {
  const { t } = useTranslation();
  const { conversation: c, layout, sidebarCollapsed } = props;
  return (
    <header className="conversation-header">
      <ConversationTitle conversation={c} now={props.now} />
      <div className="conversation-controls">
        <StatusField
          id={props.ids.status}
          conversation={c}
          onSnooze={() => props.onSnoozeUntil(inAnHour())}
          act={props.act}
        />
        <TransferControl conversationId={c.id} teamId={c.teamId} assigneeId={c.assigneeId} />
        {layout && (
          <PaneToggle
            expanded={!sidebarCollapsed}
            controls={props.ids.sidebar}
            label={sidebarCollapsed ? t('inbox.workspace.showSidebar') : t('inbox.workspace.hideSidebar')}
            icon={sidebarCollapsed ? PanelRightOpen : PanelRightClose}
            onToggle={() => layout.toggle('sidebar')}
          />
        )}
      </div>
      {props.snoozeUntil !== null && (
        <SnoozeForm
          id={props.ids.snooze}
          conversationId={c.id}
          until={props.snoozeUntil}
          onUntil={props.onSnoozeUntil}
          act={props.act}
        />
      )}
    </header>
  );
}

/** The customer's name over the channel, subject, SLA badge and snooze time. */
function ConversationTitle({ conversation: c, now }: { conversation: Conversation; now: number }) {
  const { t } = useTranslation();
  return (
    <div className="conversation-title">
      <h2>{c.customerName ?? t('inbox.unknownCustomer')}</h2>
      <p className="item-sub">
        {t(`channels.${c.channel}`)} · {c.subject} <SlaBadge dueAt={c.slaDueAt} status={c.status} now={now} />
        {c.status === 'snoozed' && c.snoozedUntil && (
          <> · {t('inbox.snoozedUntil', { when: new Date(c.snoozedUntil).toLocaleString() })}</>
        )}
      </p>
    </div>
  );
}

/** The status select: snoozing asks until when first; the other statuses apply at once. */
function StatusField(props: { id: string; conversation: Conversation; onSnooze: () => void; act: Act }) {
  const { t } = useTranslation();
  const api = useApi();
  const c = props.conversation;
  return (
    <div className="field inline">
      <label htmlFor={props.id}>{t('inbox.status')}</label>
      <select
        id={props.id}
        value={c.status}
        onChange={(e) => {
          const status = e.target.value as ConversationStatus;
          if (status === 'snoozed') return props.onSnooze();
          void props.act(() => api.call('conversations:setStatus', { id: c.id, status }));
        }}
      >
        {CONVERSATION_STATUSES.map((s) => (
          <option key={s} value={s}>
            {t(`inbox.statuses.${s}`)}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Until when to snooze: a datetime-local field, Snooze and Cancel. */
function SnoozeForm(props: {
  id: string;
  conversationId: string;
  until: string;
  onUntil: (until: string | null) => void;
  act: Act;
}) {
  const { t } = useTranslation();
  const api = useApi();
  return (
    <form
      className="field inline"
      onSubmit={(e) => {
        e.preventDefault();
        const until = new Date(props.until);
        if (Number.isNaN(until.getTime())) return;
        props.onUntil(null);
        void props.act(() =>
          api.call('conversations:setStatus', {
            id: props.conversationId,
            status: 'snoozed',
            snoozedUntil: until.toISOString(),
          }),
        );
      }}
    >
      <label htmlFor={props.id}>{t('inbox.snoozeUntil')}</label>
      <input
        id={props.id}
        type="datetime-local"
        value={props.until}
        onChange={(e) => props.onUntil(e.target.value)}
        required
      />
      <button type="submit">{t('inbox.snooze')}</button>
      <button type="button" onClick={() => props.onUntil(null)}>
        {t('inbox.cancel')}
      </button>
    </form>
  );
}
