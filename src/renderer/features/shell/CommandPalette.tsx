import * as Dialog from '@radix-ui/react-dialog';
import { Command } from 'cmdk';
import { ArrowRight, MessageSquare, Phone, UserRound } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { AWAY_REASONS, type AgentState, type AwayReason } from '../../../shared/agentState';
import type { ConversationView } from '../../../shared/views';
import { useRoot } from '../../app/context';
import { useQuery } from '../../app/useQuery';
import { VIEWS, type View } from './shellSlice';
import { useChangeStatus } from './StatusMenu';

/** Ctrl+K, or ⌘K on a Mac: the palette's shortcut, as shown in menus and tooltips. */
export const PALETTE_SHORTCUT = 'Control+K';

/** A number worth dialling: digits with the usual separators, at least three digits. */
export function dialable(q: string): string | null {
  const s = q.trim();
  if (!/^\+?[\d\s().-]+$/.test(s)) return null;
  const digits = s.replace(/[^\d+]/g, '');
  return digits.replace(/\D/g, '').length >= 3 ? digits : null;
}

/**
 * The command palette (Ctrl/Cmd+K): go to a place or a conversation, find a customer, change the
 * status (with an away reason), dial a number. A customer opens on their profile. cmdk filters and moves the selection; a Radix dialog holds it (without
 * Radix's overlay, whose scroll lock injects a <style> the CSP refuses; the backdrop is ours).
 */
export function CommandPalette() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [q, setQ] = useState('');
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        setOpen((o) => !o);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  useEffect(() => {
    const onOpen = () => setOpen(true);
    window.addEventListener('switchboard:palette', onOpen);
    return () => window.removeEventListener('switchboard:palette', onOpen);
  }, []);
  const close = () => {
    setOpen(false);
    setQ('');
  };
  return (
    <Dialog.Root open={open} onOpenChange={(o) => (o ? setOpen(true) : close())}>
      <Dialog.Portal>
        {open && <div className="palette-backdrop" aria-hidden="true" />}
        <Dialog.Content className="palette" aria-describedby={undefined}>
          <Dialog.Title className="visually-hidden">{t('palette.title')}</Dialog.Title>
          <Command label={t('palette.input')} loop>
            <Command.Input
              className="palette-input"
              value={q}
              onValueChange={setQ}
              placeholder={t('palette.placeholder')}
            />
            <Command.List className="palette-list" label={t('palette.results')}>
              <Command.Empty className="palette-empty">{t('palette.empty')}</Command.Empty>
              <PaletteItems q={q} onDone={close} />
            </Command.List>
          </Command>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

/** Opens the palette from a button (the header's search field, a menu item). */
export function openPalette(): void {
  window.dispatchEvent(new Event('switchboard:palette'));
}

/** Runs a chosen command after closing the palette; a failure shows as the app's error. */
type Run = (action: () => void | Promise<void>) => void;

/** The palette's commands for what is typed: dial, places, status, customers, conversations, messages. */
function PaletteItems(props: { q: string; onDone: () => void }) {
  const { t } = useTranslation();
  const openConversation = useRoot((s) => s.openConversation);
  const signedIn = useRoot((s) => s.session?.status === 'signedIn');
  const hasAgent = useRoot((s) => s.agent !== null);
  const setError = useRoot((s) => s.setError);
  const q = props.q.trim();
  const recent = useQuery('conversations:list', signedIn ? { view: 'all', offset: 0, limit: 8 } : null);
  const hits = useQuery('search:query', signedIn && q.length >= 2 ? { q, limit: 12 } : null);
  const number = dialable(q);
  const run: Run = (action) => {
    props.onDone();
    void Promise.resolve(action()).catch((err: unknown) =>
      setError(t('errors.generic', { message: err instanceof Error ? err.message : String(err) })),
    );
  };
  const customers = (hits.data ?? []).filter((h) => h.entity === 'customer');
  const messages = (hits.data ?? []).filter((h) => h.entity !== 'customer');
  return (
    <>
      {number && <DialGroup number={number} q={q} run={run} />}
      <PlaceGroup run={run} />
      {hasAgent && <StatusGroup run={run} />}
      {customers.length > 0 && <CustomerGroup customers={customers} run={run} />}
      {(recent.data?.items.length ?? 0) > 0 && (
        <ConversationGroup conversations={recent.data!.items} run={run} />
      )}
      {messages.length > 0 && (
        <Command.Group heading={t('palette.messages')}>
          {messages.map((m) => (
            <Command.Item
              key={m.id}
              value={`message ${m.id}`}
              keywords={[q]}
              onSelect={() => run(() => openConversation(m.conversationId))}
            >
              <MessageSquare size={16} aria-hidden="true" />
              <span className="palette-label">{m.body.slice(0, 120)}</span>
            </Command.Item>
          ))}
        </Command.Group>
      )}
    </>
  );
}

/** Call the number typed: at once when the phone is registered, else on the dial pad. */
function DialGroup(props: { number: string; q: string; run: Run }) {
  const { t } = useTranslation();
  const setView = useRoot((s) => s.setView);
  const ctl = useRoot((s) => s.phoneCtl);
  const registered = useRoot((s) => s.registration === 'registered');
  const setDialNumber = useRoot((s) => s.setDialNumber);
  const { number } = props;
  return (
    <Command.Group heading={t('palette.dial')}>
      <Command.Item
        value={`dial ${number}`}
        keywords={[props.q]}
        onSelect={() =>
          props.run(() => {
            if (registered && ctl) ctl.dial(number);
            else {
              setDialNumber(number);
              setView('phone');
            }
          })
        }
      >
        <Phone size={16} aria-hidden="true" />
        <span className="palette-label">{t('palette.callNumber', { number })}</span>
      </Command.Item>
    </Command.Group>
  );
}

/** Go to a place (Admin for admins only), with its shortcut. */
function PlaceGroup(props: { run: Run }) {
  const { t } = useTranslation();
  const setView = useRoot((s) => s.setView);
  const isAdmin = useRoot((s) => s.session?.status === 'signedIn' && s.session.agent?.role === 'admin');
  const places = VIEWS.filter((v) => v !== 'admin' || isAdmin);
  return (
    <Command.Group heading={t('palette.places')}>
      {places.map((v: View) => (
        <Command.Item
          key={v}
          value={`place ${v}`}
          keywords={[t('palette.goTo', { place: t(`nav.${v}`) }), t(`nav.${v}`)]}
          onSelect={() => props.run(() => setView(v))}
        >
          <ArrowRight size={16} aria-hidden="true" />
          <span className="palette-label">{t('palette.goTo', { place: t(`nav.${v}`) })}</span>
          <kbd className="palette-shortcut">{t('nav.shortcut', { key: VIEWS.indexOf(v) + 1 })}</kbd>
        </Command.Item>
      ))}
    </Command.Group>
  );
}

/** The statuses an agent may choose: Available, Away (plain or with each reason), Offline. */
function statusChoices(
  t: TFunction,
): { value: string; state: AgentState; reason?: AwayReason; label: string }[] {
  return [
    { value: 'available', state: 'available', label: t('agent.available') },
    { value: 'away', state: 'away', label: t('agent.away') },
    ...AWAY_REASONS.map((r) => ({
      value: `away:${r}`,
      state: 'away' as const,
      reason: r,
      label: t('agent.awayWith', { reason: t(`agent.reason.${r}`) }),
    })),
    { value: 'offline', state: 'offline', label: t('agent.offline') },
  ];
}

/** Set the agent's status. */
function StatusGroup(props: { run: Run }) {
  const { t } = useTranslation();
  const changeStatus = useChangeStatus();
  return (
    <Command.Group heading={t('palette.status')}>
      {statusChoices(t).map((s) => (
        <Command.Item
          key={s.value}
          value={`status ${s.value}`}
          keywords={[t('palette.setStatus', { status: s.label }), s.label]}
          onSelect={() => props.run(() => changeStatus(s.state, s.reason))}
        >
          <span className={`status-dot status-${s.state}`} aria-hidden="true" />
          <span className="palette-label">{t('palette.setStatus', { status: s.label })}</span>
        </Command.Item>
      ))}
    </Command.Group>
  );
}

/** Customers the search found, each opening on their profile. */
function CustomerGroup(props: { customers: { id: string; name: string; company: string }[]; run: Run }) {
  const { t } = useTranslation();
  const openCustomer = useRoot((s) => s.openCustomer);
  return (
    <Command.Group heading={t('palette.customers')}>
      {props.customers.map((c) => (
        <Command.Item
          key={c.id}
          value={`customer ${c.id}`}
          keywords={[c.name, c.company]}
          onSelect={() => props.run(() => openCustomer(c.id))}
        >
          <UserRound size={16} aria-hidden="true" />
          <span className="palette-label">{c.name}</span>
          {c.company && <span className="palette-hint">{c.company}</span>}
        </Command.Item>
      ))}
    </Command.Group>
  );
}

/** The latest conversations. */
function ConversationGroup(props: { conversations: ConversationView[]; run: Run }) {
  const { t } = useTranslation();
  const openConversation = useRoot((s) => s.openConversation);
  return (
    <Command.Group heading={t('palette.conversations')}>
      {props.conversations.map((c) => (
        <Command.Item
          key={c.id}
          value={`conversation ${c.id}`}
          keywords={[c.customerName ?? '', c.subject, t(`channels.${c.channel}`)]}
          onSelect={() => props.run(() => openConversation(c.id))}
        >
          <MessageSquare size={16} aria-hidden="true" />
          <span className="palette-label">{c.customerName ?? t('call.unknown')}</span>
          <span className="palette-hint">{c.subject}</span>
        </Command.Item>
      ))}
    </Command.Group>
  );
}
