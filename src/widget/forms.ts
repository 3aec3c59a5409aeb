/**
 * What the panel shows before a chat: the pre-chat form when an agent could answer, the offline
 * form when none is there (per the relay's config), and the switch to the conversation once a
 * session starts. Refusals become sentences that say what to do next.
 */
import type { WidgetContext } from './context';
import type { StringKey } from './strings';
import { fetchConfig, leaveOfflineMessage, startSession, type SessionRequest } from './relayApi';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The text for a session the relay refused, by HTTP status. */
export function startRefusalKey(status: number): StringKey {
  return status === 403 ? 'forbidden' : status === 429 ? 'slowDown' : 'failed';
}

/** The text for an offline message the relay refused, by HTTP status. */
export function offlineRefusalKey(status: number): StringKey {
  if (status === 422) return 'offlineMissing';
  return status === 403 ? 'forbidden' : status === 429 ? 'slowDown' : 'offlineFailed';
}

/** Hides both forms and shows the conversation. */
export function showChat(ctx: WidgetContext): void {
  const { dom } = ctx;
  dom.form.setAttribute('hidden', '');
  dom.form.style.display = 'none';
  dom.offline.setAttribute('hidden', '');
  dom.chat.removeAttribute('hidden');
}

/**
 * Asks the relay for the inbox's limits and whether an agent is there; before a chat, shows the
 * live or the offline form accordingly. On a network failure the live form stays: starting a
 * chat reports the trouble.
 */
export function loadConfig(ctx: WidgetContext): void {
  const { dom } = ctx;
  fetchConfig(ctx.base, ctx.inbox)
    .then((c) => {
      if (!c) return;
      ctx.config = c;
      dom.text.setAttribute('maxlength', String(c.maxMessageLength));
      dom.offText.setAttribute('maxlength', String(c.maxMessageLength));
      if (ctx.session.token) return;
      // Nobody who could answer is there: a message for later instead of a chat that waits.
      dom.form.toggleAttribute('hidden', !c.online);
      dom.form.style.display = c.online ? '' : 'none';
      dom.offline.toggleAttribute('hidden', c.online);
    })
    .catch(() => undefined);
}

/** Wires the pre-chat form: starts a session, then `onStarted` connects. */
export function wireStartForm(
  ctx: WidgetContext,
  identity: { userId: string; userHash: string },
  onStarted: () => void,
): void {
  const { dom, tr } = ctx;
  dom.form.addEventListener('submit', (e) => {
    e.preventDefault();
    dom.startBtn.disabled = true;
    const body: SessionRequest = {
      inboxId: ctx.inbox,
      name: dom.nameIn.value,
      email: dom.emailIn.value,
      phone: dom.phoneIn.value,
    };
    if (identity.userId && identity.userHash) {
      body.userId = identity.userId;
      body.userHash = identity.userHash;
    }
    const fail = (key: StringKey) => {
      dom.startBtn.disabled = false;
      dom.status.textContent = tr(key);
      dom.form.appendChild(dom.status);
    };
    startSession(ctx.base, body).then(
      (r) => {
        if (!r.ok) return fail(startRefusalKey(r.status));
        ctx.session.start(r.body.token);
        showChat(ctx);
        onStarted();
      },
      () => fail('failed'),
    );
  });
}

/** Wires the offline form: checks it here, sends it, then thanks the visitor with the reply time. */
export function wireOfflineForm(ctx: WidgetContext): void {
  const { dom, tr } = ctx;
  dom.offline.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = {
      inboxId: ctx.inbox,
      name: dom.offName.value.trim(),
      email: dom.offEmail.value.trim(),
      message: dom.offText.value.trim(),
    };
    if (!body.name || !body.message || !EMAIL.test(body.email)) {
      dom.offStatus.textContent = tr('offlineMissing');
      return;
    }
    dom.offBtn.disabled = true;
    const fail = (key: StringKey) => {
      dom.offBtn.disabled = false;
      dom.offStatus.textContent = tr(key);
    };
    leaveOfflineMessage(ctx.base, body).then(
      (r) => {
        if (!r.ok) return fail(offlineRefusalKey(r.status));
        for (const n of [dom.offlineIntro, dom.offBtn, ...dom.offline.querySelectorAll('label')])
          n.setAttribute('hidden', '');
        const { name, email } = body;
        dom.offStatus.textContent = tr('offlineThanks', { name, email, n: r.body.replyWithinHours });
      },
      () => fail('offlineFailed'),
    );
  });
}
