import * as Menu from '@radix-ui/react-dropdown-menu';
import { ChevronDown, LogOut, Search, Settings } from 'lucide-react';
import { useTranslation } from 'react-i18next';
import { useApi, useRoot } from '../../app/context';
import { openPalette } from './CommandPalette';

/** Up to two initials of a name, for the avatar ("Alex Agent" → "AA", "王小明" → "王"). */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  // Han names are not split by spaces; their first character is the conventional initial.
  if (/\p{Script=Han}/u.test(words[0]!)) return [...words[0]!][0]!;
  return words
    .slice(0, 2)
    .map((w) => [...w][0]!.toUpperCase())
    .join('');
}

/** The person signed in: a menu with their name and address, Settings, and Sign out. */
export function PersonMenu() {
  const { t } = useTranslation();
  const api = useApi();
  const session = useRoot((s) => s.session);
  const setSession = useRoot((s) => s.setSession);
  const setView = useRoot((s) => s.setView);
  const setError = useRoot((s) => s.setError);
  if (!session || session.status !== 'signedIn' || !session.agent) return null;
  const name = session.agent.name;
  const signOut = async () => {
    try {
      setSession(await api.call('session:logout', { wipe: false }));
    } catch (err) {
      setError(t('errors.generic', { message: err instanceof Error ? err.message : String(err) }));
    }
  };
  return (
    <Menu.Root modal={false}>
      <Menu.Trigger asChild>
        <button type="button" className="person-trigger" aria-label={t('person.menu', { name })}>
          <span className="avatar" aria-hidden="true">
            {initials(name)}
          </span>
          <span className="person-name">{name}</span>
          <ChevronDown size={16} aria-hidden="true" />
        </button>
      </Menu.Trigger>
      <Menu.Portal>
        <Menu.Content className="menu" align="end" sideOffset={6}>
          <Menu.Label className="menu-person">
            <span className="menu-person-name">{name}</span>
            {session.email && <span className="menu-person-email">{session.email}</span>}
          </Menu.Label>
          <Menu.Separator className="menu-separator" />
          <Menu.Item className="menu-item" onSelect={() => setView('settings')}>
            <Settings size={16} aria-hidden="true" />
            <span className="menu-item-label">{t('nav.settings')}</span>
            <kbd className="menu-shortcut">{t('nav.shortcut', { key: 5 })}</kbd>
          </Menu.Item>
          <Menu.Item className="menu-item" onSelect={openPalette}>
            <Search size={16} aria-hidden="true" />
            <span className="menu-item-label">{t('palette.title')}</span>
            <kbd className="menu-shortcut">{t('palette.shortcut')}</kbd>
          </Menu.Item>
          <Menu.Item className="menu-item" onSelect={() => void signOut()}>
            <LogOut size={16} aria-hidden="true" />
            <span className="menu-item-label">{t('account.signOut')}</span>
          </Menu.Item>
        </Menu.Content>
      </Menu.Portal>
    </Menu.Root>
  );
}
