/**
 * Puts one widget on the page: builds it, wires its parts to each other, and resumes a saved
 * session (a new page shows the whole conversation; a reconnect asks only for what came after).
 */
import { createAttachments } from './attachments';
import { wireComposer } from './composer';
import type { WidgetContext } from './context';
import { createConversation } from './conversation';
import { buildDom } from './dom';
import { DEFAULT_CONFIG } from './frames';
import { loadConfig, showChat, wireOfflineForm, wireStartForm } from './forms';
import { openSession } from './session';
import { createSocket } from './socket';
import { createTranslator, pickLang } from './strings';

export type MountOptions = {
  /** The relay's origin, where the script came from. */
  base: string;
  inbox: string;
  /** A signed-in customer's id and its HMAC (`data-user-id`, `data-user-hash`), or ''. */
  userId: string;
  userHash: string;
  /** A BCP 47 language tag (`data-lang`, else the browser's). */
  lang: string;
};

/** Mounts the widget at the end of the page's body. */
export function mountWidget(opts: MountOptions): void {
  const tr = createTranslator(pickLang(opts.lang));
  const ctx: WidgetContext = {
    base: opts.base,
    inbox: opts.inbox,
    tr,
    dom: buildDom(tr),
    session: openSession(opts.inbox),
    config: DEFAULT_CONFIG,
  };
  const { dom } = ctx;
  const files = createAttachments(ctx);
  const conversation = createConversation(ctx, files, (f) => socket.send(f));
  const socket = createSocket({
    base: ctx.base,
    token: () => ctx.session.token ?? '',
    lastId: conversation.lastId,
    onOpen: conversation.markRead,
    onFrame: conversation.onFrame,
    onEnded: () => {
      ctx.session.end();
      dom.status.textContent = tr('ended');
    },
  });
  wireStartForm(ctx, opts, socket.connect);
  wireOfflineForm(ctx);
  wireComposer(ctx, socket, files);

  dom.launcher.addEventListener('click', () => {
    const open = dom.panel.hasAttribute('hidden');
    dom.panel.toggleAttribute('hidden', !open);
    dom.launcher.setAttribute('aria-expanded', String(open));
    dom.launcher.setAttribute('aria-label', open ? tr('close') : tr('open'));
    if (open && !ctx.session.token) loadConfig(ctx);
    if (open) conversation.markRead();
  });
  document.addEventListener('visibilitychange', conversation.markRead);

  document.body.appendChild(dom.host);
  if (ctx.session.token) {
    showChat(ctx);
    socket.connect();
  }
  loadConfig(ctx);
}
