import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NavBar } from './NavBar';

const items = [
  { id: 'inbox', label: 'Inbox', shortcut: 'Alt+1' },
  { id: 'phone', label: 'Phone', shortcut: 'Alt+2' },
  { id: 'settings', label: 'Settings', shortcut: 'Alt+3' },
];

afterEach(cleanup);

describe('renderer/ui/NavBar', () => {
  it('names every control and marks the current place', () => {
    render(<NavBar label="Main" items={items} current="phone" onSelect={() => {}} />);
    expect(screen.getByRole('navigation', { name: 'Main' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Phone' }).getAttribute('aria-current')).toBe('page');
    expect(screen.getByRole('button', { name: 'Inbox' }).getAttribute('aria-current')).toBeNull();
    expect(screen.getByRole('button', { name: 'Inbox' }).getAttribute('aria-keyshortcuts')).toBe('Alt+1');
  });

  it('moves focus with arrow keys, wrapping, and selects on click', () => {
    const onSelect = vi.fn();
    render(<NavBar label="Main" items={items} current="inbox" onSelect={onSelect} />);
    const inbox = screen.getByRole('button', { name: 'Inbox' });
    inbox.focus();
    fireEvent.keyDown(inbox, { key: 'ArrowUp' });
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Settings' }));
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(inbox);
    fireEvent.keyDown(inbox, { key: 'End' });
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Settings' }));
    fireEvent.click(screen.getByRole('button', { name: 'Phone' }));
    expect(onSelect).toHaveBeenCalledWith('phone');
  });
});
