import { useEffect, useId, useRef, useState, type Ref, type RefObject } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { ApiClient } from '../../api/client';
import { useApi, useRoot } from '../../app/context';
import type { RootState } from '../../store';
import { ErrorText } from '../../ui/ErrorText';
import {
  INBOX_SHORTCUTS,
  OTHER_SHORTCUTS,
  sendComposerCommand,
  shortcutFor,
  type InboxShortcut,
} from './shortcuts';

/**
 * The inbox's keyboard shortcuts (see shortcuts.ts) while the inbox is shown, and their help: a
 * dialog opened with `?` or its button, closed with Escape, giving focus back where it was.
 */
export function InboxShortcuts() {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const { said, error } = useShortcutKeys(dialog, opener);
  return (
    <div className="shortcuts-bar">
      <button
        type="button"
        aria-keyshortcuts="?"
        onClick={(e) => {
          opener.current = e.currentTarget;
          dialog.current?.showModal();
        }}
      >
        {t('shortcuts.open')}
      </button>
      <span role="status" className="visually-hidden">
        {said}
      </span>
      <ErrorText error={error} />
      <ShortcutsDialog
        ref={dialog}
        onClose={() => {
          // Focus goes back to what had it before the dialog opened.
          const back = opener.current;
          opener.current = null;
          if (back?.isConnected) back.focus();
        }}
      />
    </div>
  );
}

/** The help: every shortcut's keys and what it does. */
function ShortcutsDialog({ ref, onClose }: { ref: Ref<HTMLDialogElement>; onClose: () => void }) {
  const { t } = useTranslation();
  const titleId = useId();
  const rows = [...INBOX_SHORTCUTS, ...OTHER_SHORTCUTS];
  return (
    <dialog ref={ref} className="card shortcuts-dialog" aria-labelledby={titleId} onClose={onClose}>
      <h2 id={titleId}>{t('shortcuts.title')}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('shortcuts.keys')}</th>
            <th scope="col">{t('shortcuts.action')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td>
                {r.keys.map((k, i) => (
                  <span key={k}>
                    {i > 0 && ' '}
                    <kbd>{k}</kbd>
                  </span>
                ))}
              </td>
              <td>{t(`shortcuts.${r.id}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form method="dialog">
        <button type="submit">{t('shortcuts.close')}</button>
      </form>
    </dialog>
  );
}

/** What a shortcut may act on: the store's values now, and where it says what it did. */
type ShortcutContext = {
  api: ApiClient;
  t: TFunction;
  listLabel: string;
  id: string | null;
  offers: RootState['offers'];
  openConversation: RootState['openConversation'];
  openHelp: () => void;
  say: (text: string) => void;
  fail: (error: string) => void;
};

/**
 * Listens for the shortcuts on the window (not while the help is open) and runs them; what one
 * did is `said` (for screen readers), what failed is `error`. The help opens on `dialog`,
 * remembering in `opener` what had focus.
 */
function useShortcutKeys(dialog: RefObject<HTMLDialogElement | null>, opener: RefObject<HTMLElement | null>) {
  const { t } = useTranslation();
  const api = useApi();
  const [said, setSaid] = useState('');
  const [error, setError] = useState<string | null>(null);
  const listLabel = t('inbox.listLabel');
  const id = useRoot((s) => s.selectedConversationId);
  const offers = useRoot((s) => s.offers);
  const openConversation = useRoot((s) => s.openConversation);
  // The key handler is set up once; it reads the latest store values through this ref.
  const latest = useRef({ id, offers, openConversation });
  useEffect(() => {
    latest.current = { id, offers, openConversation };
  }, [id, offers, openConversation]);

  useEffect(() => {
    const openHelp = () => {
      const d = dialog.current;
      if (!d || d.open) return;
      opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      d.showModal();
    };
    const onKey = (e: KeyboardEvent) => {
      if (dialog.current?.open) return;
      const s = shortcutFor(e);
      if (!s) return;
      e.preventDefault();
      setError(null);
      setSaid('');
      const context = { api, t, listLabel, ...latest.current, openHelp, say: setSaid, fail: setError };
      runShortcut(s, context).catch((err: unknown) =>
        setError(err instanceof Error ? err.message : String(err)),
      );
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [api, t, listLabel, dialog, opener]);
  return { said, error };
}

/** Does what shortcut `s` asks. */
async function runShortcut(s: InboxShortcut, c: ShortcutContext): Promise<void> {
  switch (s) {
    case 'next':
    case 'previous':
      return moveSelection(c.listLabel, s === 'next' ? 1 : -1);
    case 'reply':
      return sendComposerCommand('focusReply');
    case 'note':
      return sendComposerCommand('focusNote');
    case 'resolve':
      if (!c.id) return;
      await c.api.call('conversations:setStatus', { id: c.id, status: 'resolved' });
      return c.say(c.t('shortcuts.resolved'));
    case 'accept': {
      const o = c.offers[0];
      if (!o) return c.say(c.t('shortcuts.noOffer'));
      const r = await c.api.call('inbox:replyOffer', { offerId: o.offerId, accept: true });
      if (!r.sent) return c.fail(c.t('offers.offline'));
      return c.openConversation(o.conversationId);
    }
    case 'help':
      return c.openHelp();
    default: {
      const never: never = s;
      return never;
    }
  }
}

/**
 * Opens the next (or previous) conversation of the inbox list as shown, and moves focus to its
 * row so the list's own arrow keys carry on from there. With none open, the first one. The list is
 * virtualized: rows next to the open one are rendered (overscan) and scroll into view on focus.
 */
function moveSelection(listLabel: string, delta: 1 | -1): void {
  const list = [...document.querySelectorAll('[role="list"]')].find(
    (el) => el.getAttribute('aria-label') === listLabel,
  );
  if (!list) return;
  const rowOf = (el: Element | null) => {
    const li = el?.closest('[data-row]');
    return li ? Number(li.getAttribute('data-row')) : null;
  };
  const current = rowOf(list.querySelector('[aria-current="true"]'));
  const rendered = [...list.querySelectorAll('[data-row]')].map((el) => rowOf(el)!);
  const target = current === null ? Math.min(...rendered) : current + delta;
  const button = list.querySelector(`[data-row="${target}"] > button`);
  if (!(button instanceof HTMLButtonElement)) return;
  button.click();
  button.focus();
}
