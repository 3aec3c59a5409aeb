import { describe, expect, it } from 'vitest';
import { isTyping, shortcutFor, type KeyPress } from './shortcuts';

const press = (key: string, target: EventTarget | null, mods: Partial<KeyPress> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  altKey: false,
  metaKey: false,
  target,
  ...mods,
});

describe('renderer/inbox shortcuts', () => {
  it('maps single keys to inbox moves outside text fields', () => {
    const button = document.createElement('button');
    expect(shortcutFor(press('j', button))).toBe('next');
    expect(shortcutFor(press('k', document.body))).toBe('previous');
    expect(shortcutFor(press('r', null))).toBe('reply');
    expect(shortcutFor(press('n', button))).toBe('note');
    expect(shortcutFor(press('e', button))).toBe('resolve');
    expect(shortcutFor(press('a', button))).toBe('accept');
    expect(shortcutFor(press('?', button, {}))).toBe('help');
    expect(shortcutFor(press('x', button))).toBeNull();
  });

  it('never fires while the agent types, nor over the app’s and browser’s chords', () => {
    const textarea = document.createElement('textarea');
    const input = document.createElement('input');
    const select = document.createElement('select');
    const editable = document.createElement('div');
    editable.setAttribute('contenteditable', 'true');
    document.body.append(editable);
    for (const el of [textarea, input, select]) expect(shortcutFor(press('j', el))).toBeNull();
    expect(isTyping(editable)).toBe(true);
    const checkbox = document.createElement('input');
    checkbox.type = 'checkbox';
    expect(shortcutFor(press('j', checkbox))).toBe('next');
    // Alt+1…5 (places), Ctrl+Enter (send) and browser chords are left alone.
    expect(shortcutFor(press('1', document.body, { altKey: true }))).toBeNull();
    expect(shortcutFor(press('r', document.body, { ctrlKey: true }))).toBeNull();
    expect(shortcutFor(press('k', document.body, { metaKey: true }))).toBeNull();
    // A key a control already handled is not a shortcut.
    expect(shortcutFor(press('j', document.body, { defaultPrevented: true }))).toBeNull();
    editable.remove();
  });
});
