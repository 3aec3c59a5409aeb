/**
 * The composer: Enter sends (Shift+Enter is a new line), a message carries the files waiting to be
 * sent, and "typing" is told to the agent from the first keystroke until 4 s without one or until
 * the message is sent.
 */
import type { Attachments } from './attachments';
import type { WidgetContext } from './context';
import type { MessageFrame } from './frames';
import type { VisitorSocket } from './socket';

/** How long after the last keystroke the visitor stops "typing". */
const TYPING_IDLE_MS = 4000;

/** A client id unique enough for one visitor's messages: the relay drops repeats by it. */
function newClientId(): string {
  return String(Date.now()) + Math.random().toString(36).slice(2);
}

/** Wires the composer of one widget to its socket and pending files. */
export function wireComposer(ctx: WidgetContext, socket: VisitorSocket, files: Attachments): void {
  const { dom } = ctx;
  let typingTimer: ReturnType<typeof setTimeout> | null = null;

  function stopTyping(): void {
    if (!typingTimer) return;
    clearTimeout(typingTimer);
    typingTimer = null;
    socket.send({ t: 'typing', on: false });
  }

  dom.composer.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = dom.text.value.trim();
    if (!v && !files.hasPending()) return;
    dom.alertBox.textContent = '';
    const f: MessageFrame = { t: 'message', text: v, clientId: newClientId() };
    const ids = files.take();
    if (ids.length > 0) f.attachments = ids;
    socket.sendMessage(f);
    dom.text.value = '';
    stopTyping();
  });
  dom.text.addEventListener('input', () => {
    if (!typingTimer) socket.send({ t: 'typing', on: true });
    if (typingTimer) clearTimeout(typingTimer);
    typingTimer = setTimeout(stopTyping, TYPING_IDLE_MS);
  });
  dom.text.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      dom.composer.requestSubmit();
    }
  });
  dom.fileIn.addEventListener('change', () => {
    dom.alertBox.textContent = '';
    const list = Array.from(dom.fileIn.files ?? []);
    dom.fileIn.value = '';
    void files.upload(list);
  });
}
