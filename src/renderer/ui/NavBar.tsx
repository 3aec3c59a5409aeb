import type { KeyboardEvent } from 'react';

export type NavItem = { id: string; label: string; shortcut: string };

/**
 * The main navigation: a vertical list of buttons with arrow-key movement (roving focus)
 * and `aria-current` on the current place.
 */
export function NavBar(props: {
  label: string;
  items: readonly NavItem[];
  current: string;
  onSelect: (id: string) => void;
}) {
  const onKeyDown = (e: KeyboardEvent<HTMLUListElement>) => {
    if (!['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(e.key)) return;
    const buttons = Array.from(e.currentTarget.querySelectorAll('button'));
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const next =
      e.key === 'Home'
        ? 0
        : e.key === 'End'
          ? buttons.length - 1
          : (i + (e.key === 'ArrowDown' ? 1 : -1) + buttons.length) % buttons.length;
    buttons[next]?.focus();
    e.preventDefault();
  };
  return (
    <nav aria-label={props.label} className="nav">
      <ul onKeyDown={onKeyDown}>
        {props.items.map((item) => (
          <li key={item.id}>
            <button
              type="button"
              className="nav-item"
              aria-current={props.current === item.id ? 'page' : undefined}
              aria-keyshortcuts={item.shortcut}
              title={`${item.label} (${item.shortcut})`}
              onClick={() => props.onSelect(item.id)}
            >
              {item.label}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
