import * as Dialog from '@radix-ui/react-dialog';
import { Command } from 'cmdk';
import { ArrowRight, MessageSquare, Phone, UserRound } from 'lucide-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AWAY_REASONS, type AgentState, type AwayReason } from '../../../shared/agentState';
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

function PaletteItems(props: { q: string; onDone: () => void }) {
  const { t } = useTranslation();
  const setView = useRoot((s) => s.setView);
  const openConversation = useRoot((s) => s.openConversation);
  const openCustomer = useRoot((s) => s.openCustomer);
  const signedIn = useRoot((s) => s.session?.status === 'signedIn');
  const isAdmin = useRoot((s) => s.session?.status === 'signedIn' && s.session.agent?.role === 'admin');
  const hasAgent = useRoot((s) => s.agent !== null);
  const ctl = useRoot((s) => s.phoneCtl);
  const registered = useRoot((s) => s.registration === 'registered');
  const setDialNumber = useRoot((s) => s.setDialNumber);
  const setError = useRoot((s) => s.setError);
  const changeStatus = useChangeStatus();
  const q = props.q.trim();
  const recent = useQuery('conversations:list', signedIn ? { view: 'all', offset: 0, limit: 8 } : null);
  const hits = useQuery('search:query', signedIn && q.length >= 2 ? { q, limit: 12 } : null);
  const number = dialable(q);
  const run = (action: () => void | Promise<void>) => {
    props.onDone();
    void Promise.resolve(action()).catch((err: unknown) =>
      setError(t('errors.generic', { message: err instanceof Error ? err.message : String(err) })),
    );
  };
  const places = VIEWS.filter((v) => v !== 'admin' || isAdmin);
  const customers = (hits.data ?? []).filter((h) => h.entity === 'customer');
  const messages = (hits.data ?? []).filter((h) => h.entity !== 'customer');
  const statuses: { value: string; state: AgentState; reason?: AwayReason; label: string }[] = [
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
  return (
    <>
      {number && (
        <Command.Group heading={t('palette.dial')}>
          <Command.Item
            value={`dial ${number}`}
            keywords={[q]}
            onSelect={() =>
              run(() => {
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
      )}
      <Command.Group heading={t('palette.places')}>
        {places.map((v: View) => (
          <Command.Item
            key={v}
            value={`place ${v}`}
            keywords={[t('palette.goTo', { place: t(`nav.${v}`) }), t(`nav.${v}`)]}
            onSelect={() => run(() => setView(v))}
          >
            <ArrowRight size={16} aria-hidden="true" />
            <span className="palette-label">{t('palette.goTo', { place: t(`nav.${v}`) })}</span>
            <kbd className="palette-shortcut">{t('nav.shortcut', { key: VIEWS.indexOf(v) + 1 })}</kbd>
          </Command.Item>
        ))}
      </Command.Group>
      {hasAgent && (
        <Command.Group heading={t('palette.status')}>
          {statuses.map((s) => (
            <Command.Item
              key={s.value}
              value={`status ${s.value}`}
              keywords={[t('palette.setStatus', { status: s.label }), s.label]}
              onSelect={() => run(() => changeStatus(s.state, s.reason))}
            >
              <span className={`status-dot status-${s.state}`} aria-hidden="true" />
              <span className="palette-label">{t('palette.setStatus', { status: s.label })}</span>
            </Command.Item>
          ))}
        </Command.Group>
      )}
      {customers.length > 0 && (
        <Command.Group heading={t('palette.customers')}>
          {customers.map((c) => (
            <Command.Item
              key={c.id}
              value={`customer ${c.id}`}
              keywords={[c.name, c.company]}
              onSelect={() => run(() => openCustomer(c.id))}
            >
              <UserRound size={16} aria-hidden="true" />
              <span className="palette-label">{c.name}</span>
              {c.company && <span className="palette-hint">{c.company}</span>}
            </Command.Item>
          ))}
        </Command.Group>
      )}
      {(recent.data?.items.length ?? 0) > 0 && (
        <Command.Group heading={t('palette.conversations')}>
          {recent.data!.items.map((c) => (
            <Command.Item
              key={c.id}
              value={`conversation ${c.id}`}
              keywords={[c.customerName ?? '', c.subject, t(`channels.${c.channel}`)]}
              onSelect={() => run(() => openConversation(c.id))}
            >
              <MessageSquare size={16} aria-hidden="true" />
              <span className="palette-label">{c.customerName ?? t('call.unknown')}</span>
              <span className="palette-hint">{c.subject}</span>
            </Command.Item>
          ))}
        </Command.Group>
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
