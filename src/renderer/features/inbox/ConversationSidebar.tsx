import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConversationDetail } from '../../../shared/views';
import { useQuery } from '../../app/useQuery';
import { SlaBadge } from '../../ui/SlaBadge';
import { ProfileField, TEXT_FIELDS } from '../customers/CustomerProfile';
import { PhoneNumberButton } from '../phone/PhoneNumberButton';
import { CallbackBar, callbackOf } from '../phone/CallbackBar';
import { CustomerHistory } from './CustomerHistory';
import { LabelEditor } from './LabelEditor';
import { PaneError, PaneLoading } from './PaneStates';

type Conversation = ConversationDetail['conversation'];

/**
 * The context sidebar beside a conversation: who the customer is (profile fields edited in place),
 * the conversation's labels, who has it, its SLA, and the customer's other conversations and calls.
 * Headings are h3: the conversation's own h2 stays the one heading of its level in the article.
 */
export function ConversationSidebar(props: {
  id?: string;
  conversation: Conversation;
  history: ConversationDetail['customerHistory'];
  now: number;
}) {
  const { t } = useTranslation();
  const c = props.conversation;
  const callback = callbackOf(c);
  return (
    <aside id={props.id} className="context-sidebar" aria-label={t('inbox.workspace.sidebar')}>
      <CustomerCard customerId={c.customerId} />
      <SidebarSection title={t('inbox.workspace.labels')}>
        <LabelEditor conversationId={c.id} labels={c.labels} />
      </SidebarSection>
      <SidebarSection title={t('inbox.workspace.assignment')}>
        <Assignment assigneeId={c.assigneeId} teamId={c.teamId} />
      </SidebarSection>
      <SidebarSection title={t('inbox.workspace.sla')}>
        <SlaDetails conversation={c} now={props.now} />
      </SidebarSection>
      {callback && <CallbackBar callback={callback} />}
      {typeof c.csatScore === 'number' && (
        <p className="item-sub">{t('inbox.csatScore', { score: c.csatScore })}</p>
      )}
      <CustomerHistory items={props.history} />
    </aside>
  );
}

function SidebarSection(props: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <section className="sidebar-section" aria-labelledby={id}>
      <h3 id={id}>{props.title}</h3>
      {props.children}
    </section>
  );
}

/** The customer's contact points and editable fields (the Customers place's ProfileField). */
function CustomerCard(props: { customerId: string }) {
  const { t } = useTranslation();
  const detail = useQuery('customers:get', { id: props.customerId });
  const body = (() => {
    if (detail.error)
      return <PaneError error={detail.error} hint={t('inbox.workspace.states.customerError')} />;
    if (!detail.data) return <PaneLoading label={t('inbox.workspace.states.loadingCustomer')} rows={3} />;
    const { customer, history } = detail.data;
    return (
      <>
        {(customer.phones.length > 0 || customer.emails.length > 0) && (
          <p className="item-sub contact-points">
            {customer.phones.map((n) => (
              <PhoneNumberButton key={n} number={n} customerId={customer.id} />
            ))}{' '}
            {customer.emails.join(', ')}
          </p>
        )}
        {TEXT_FIELDS.map((f) => (
          <ProfileField
            key={`${customer.id}:${f}:${customer[f]}`}
            customerId={customer.id}
            field={f}
            value={customer[f] ?? ''}
            history={history.filter((h) => h.field === f)}
          />
        ))}
      </>
    );
  })();
  return (
    <SidebarSection title={t('inbox.workspace.customer')}>
      <div className="profile-fields">{body}</div>
    </SidebarSection>
  );
}

function Assignment(props: { assigneeId: string | null; teamId: string }) {
  const { t } = useTranslation();
  const dir = useQuery('inbox:directory', {});
  const agent = dir.data?.agents.find((a) => a.id === props.assigneeId);
  const team = dir.data?.teams.find((tm) => tm.id === props.teamId);
  return (
    <dl className="facts">
      <dt>{t('inbox.workspace.assignee')}</dt>
      <dd>{props.assigneeId ? (agent?.name ?? props.assigneeId) : t('inbox.workspace.unassigned')}</dd>
      <dt>{t('inbox.workspace.team')}</dt>
      <dd>{team?.name ?? props.teamId}</dd>
    </dl>
  );
}

function SlaDetails(props: { conversation: Conversation; now: number }) {
  const { t } = useTranslation();
  const c = props.conversation;
  const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');
  if (!c.slaDueAt && !c.slaFirstResponseDueAt && !c.slaResolutionDueAt)
    return <p className="item-sub">{t('inbox.workspace.noSla')}</p>;
  return (
    <dl className="facts">
      <dt>{t('inbox.workspace.nextDue')}</dt>
      <dd>
        <SlaBadge dueAt={c.slaDueAt} status={c.status} now={props.now} />
      </dd>
      <dt>{t('inbox.workspace.firstResponseDue')}</dt>
      <dd>{when(c.slaFirstResponseDueAt)}</dd>
      <dt>{t('inbox.workspace.resolutionDue')}</dt>
      <dd>{when(c.slaResolutionDueAt)}</dd>
      {(c.slaFirstResponseBreaches ?? 0) + (c.slaResolutionBreaches ?? 0) > 0 && (
        <>
          <dt>{t('inbox.workspace.breaches')}</dt>
          <dd>{(c.slaFirstResponseBreaches ?? 0) + (c.slaResolutionBreaches ?? 0)}</dd>
        </>
      )}
    </dl>
  );
}
