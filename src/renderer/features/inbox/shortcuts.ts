/**
 * The inbox's single-key shortcuts. They never fire while the agent types in a text field or
 * list box (a key there is text), nor with Ctrl, Alt or Cmd held: those belong to the browser, the
 * OS and the app's own chords (Alt+1…5 for places, Ctrl+Enter to send).
 */
export const INBOX_SHORTCUTS = [
  { id: 'next', keys: ['j'] },
  { id: 'previous', keys: ['k'] },
  { id: 'reply', keys: ['r'] },
  { id: 'note', keys: ['n'] },
  { id: 'resolve', keys: ['e'] },
  { id: 'accept', keys: ['a'] },
  { id: 'help', keys: ['?'] },
] as const;
export type InboxShortcut = (typeof INBOX_SHORTCUTS)[number]['id'];

/** Shortcuts that already exist elsewhere, listed in the help dialog beside the inbox's own. */
export const OTHER_SHORTCUTS = [
  { id: 'send', keys: ['Ctrl+Enter'] },
  { id: 'places', keys: ['Alt+1…5'] },
  { id: 'list', keys: ['↑', '↓', 'Home', 'End'] },
] as const;

/** The parts of a keydown the decision needs (a KeyboardEvent has them). */
export type KeyPress = {
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  /** Already handled by a control (its keydown called preventDefault). */
  defaultPrevented?: boolean;
  target: EventTarget | null;
};

const TEXT_INPUT_TYPES = new Set([
  '',
  'text',
  'search',
  'email',
  'url',
  'tel',
  'password',
  'number',
  'date',
  'datetime-local',
  'month',
  'time',
  'week',
]);

/** True when keys pressed in `el` are input: text fields, text areas, selects, editable content. */
export function isTyping(el: EventTarget | null): boolean {
  if (!(el instanceof Element)) return false;
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  if (el instanceof HTMLInputElement) return TEXT_INPUT_TYPES.has(el.type);
  if (el instanceof HTMLElement && el.isContentEditable) return true;
  return (
    el.closest(
      '[contenteditable]:not([contenteditable="false"]), [role="combobox"], [role="listbox"], [role="textbox"]',
    ) !== null
  );
}

/** The inbox shortcut a key press means, or null. */
export function shortcutFor(e: KeyPress): InboxShortcut | null {
  if (e.defaultPrevented || e.ctrlKey || e.altKey || e.metaKey) return null;
  if (isTyping(e.target)) return null;
  return INBOX_SHORTCUTS.find((s) => (s.keys as readonly string[]).includes(e.key))?.id ?? null;
}

type Command = 'focusReply' | 'focusNote';
const listeners = new Set<(c: Command) => void>();

/** The open conversation listens for commands that need its composer; returns the unsubscribe. */
export function onComposerCommand(listener: (c: Command) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Asks the open conversation's composer to take focus (as a reply or a note). */
export function sendComposerCommand(c: Command): void {
  for (const l of listeners) l(c);
}
