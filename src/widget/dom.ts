/**
 * The widget's elements: a launcher button and a chat panel inside a Shadow DOM, so the host
 * page's styles cannot reach in and ours cannot leak out. Only structure, roles and accessible
 * names live here; behaviour is wired by the other modules. Every text goes in as `textContent`.
 */
import type { Translate } from './strings';

const STYLE = [
  ':host{all:initial;position:fixed;right:16px;bottom:16px;z-index:2147483647;font:14px/1.4 system-ui,sans-serif;color:#1b1f24}',
  'button{font:inherit;cursor:pointer;border-radius:6px;border:1px solid #1f6feb;background:#1f6feb;color:#fff;padding:6px 12px}',
  'button.plain{background:#fff;color:#1f6feb}',
  'button.file{background:#fff;color:#1f6feb;padding:2px 6px;font-size:12px;text-align:left;overflow-wrap:anywhere;max-width:100%}',
  '.panel{width:320px;max-height:520px;display:flex;flex-direction:column;gap:8px;background:#fff;border:1px solid #d0d7de;border-radius:10px;padding:12px;box-shadow:0 8px 24px rgba(0,0,0,.15);margin-bottom:8px}',
  '.panel[hidden]{display:none}',
  'form{display:flex;flex-direction:column;gap:6px}',
  'label{display:flex;flex-direction:column;gap:2px;font-size:12px}',
  'input,textarea{font:inherit;border:1px solid #d0d7de;border-radius:6px;padding:6px}',
  'ol{list-style:none;margin:0;padding:0;overflow:auto;flex:1;display:flex;flex-direction:column;gap:6px;min-height:120px}',
  'li{padding:6px 8px;border-radius:8px;background:#f6f8fa;max-width:85%;white-space:pre-wrap;overflow-wrap:anywhere}',
  'li.in{align-self:flex-end;background:#ddf4ff}',
  'ul.files{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:4px}',
  'ul.files li{max-width:100%;display:flex;gap:4px;align-items:center;font-size:12px}',
  '.muted{font-size:12px;color:#57606a;margin:0}',
  '.alert{font-size:12px;color:#cf222e;margin:0;overflow-wrap:anywhere}',
  '.row{display:flex;gap:4px;flex-direction:row}',
  '.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}',
  '[hidden]{display:none !important}',
].join('\n');

/** What the file picker offers; the relay checks the real type again. */
const ACCEPT = 'image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain,.txt,.log,.csv,.md';

/** An element with attributes and, when given, a text (as `textContent`, never markup). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Record<string, string> | null,
  text?: string,
): HTMLElementTagNameMap[K] {
  const n = document.createElement(tag);
  if (attrs) for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
  if (text !== undefined) n.textContent = text;
  return n;
}

/** An element with a class, for the many styled ones. */
function styled<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  attrs?: Record<string, string> | null,
  text?: string,
): HTMLElementTagNameMap[K] {
  const n = el(tag, attrs, text);
  n.className = className;
  return n;
}

/** A labelled field: the label's text names the input for people and screen readers. */
function field(labelText: string, input: HTMLElement): HTMLLabelElement {
  const l = el('label', null, labelText);
  l.appendChild(input);
  return l;
}

/** The pre-chat form: every field optional. */
function buildStartForm(tr: Translate) {
  const form = el('form', { 'aria-label': tr('startForm') });
  const nameIn = el('input', { autocomplete: 'name', maxlength: '200' });
  const emailIn = el('input', { type: 'email', autocomplete: 'email', maxlength: '254' });
  const phoneIn = el('input', { type: 'tel', autocomplete: 'tel', maxlength: '40' });
  form.appendChild(field(tr('name'), nameIn));
  form.appendChild(field(tr('email'), emailIn));
  form.appendChild(field(tr('phone'), phoneIn));
  const startBtn = el('button', { type: 'submit' }, tr('start'));
  form.appendChild(startBtn);
  return { form, nameIn, emailIn, phoneIn, startBtn };
}

/**
 * The offline form, shown instead when no agent who could take the chat is there. Checked by the
 * widget (novalidate), so the message says what to fix in the visitor's language.
 */
function buildOfflineForm(tr: Translate) {
  const offline = el('form', { 'aria-label': tr('offlineForm'), hidden: '', novalidate: '' });
  const offlineIntro = styled('p', 'muted', null, tr('offlineIntro'));
  const offName = el('input', { autocomplete: 'name', maxlength: '200', required: '' });
  const offEmail = el('input', { type: 'email', autocomplete: 'email', maxlength: '254', required: '' });
  const offText = el('textarea', { rows: '3', maxlength: '2000', required: '' });
  const offBtn = el('button', { type: 'submit' }, tr('offlineSend'));
  const offStatus = styled('p', 'muted', { role: 'status', 'aria-label': tr('status') });
  offline.appendChild(offlineIntro);
  offline.appendChild(field(tr('offlineName'), offName));
  offline.appendChild(field(tr('offlineEmail'), offEmail));
  offline.appendChild(field(tr('offlineMessage'), offText));
  offline.appendChild(offBtn);
  offline.appendChild(offStatus);
  return { offline, offlineIntro, offName, offEmail, offText, offBtn, offStatus };
}

/** The composer: files waiting to be sent, then the attach button, the text and Send. */
function buildComposer(tr: Translate) {
  const composer = el('form', { 'aria-label': tr('sendForm') });
  const composeRow = styled('div', 'row');
  const text = el('textarea', { 'aria-label': tr('message'), rows: '2', maxlength: '2000' });
  text.style.flex = '1';
  const sendBtn = el('button', { type: 'submit' }, tr('send'));
  // The button is the control people and screen readers use; the input only opens the picker.
  const fileIn = styled('input', 'sr', {
    type: 'file',
    multiple: '',
    'aria-hidden': 'true',
    tabindex: '-1',
    accept: ACCEPT,
  });
  const attachBtn = styled(
    'button',
    'plain',
    { type: 'button', 'aria-label': tr('attach'), title: tr('attach') },
    '📎',
  );
  attachBtn.addEventListener('click', () => fileIn.click());
  const pendingList = styled('ul', 'files', { 'aria-label': tr('attachments') });
  composeRow.appendChild(attachBtn);
  composeRow.appendChild(text);
  composeRow.appendChild(sendBtn);
  composer.appendChild(pendingList);
  composer.appendChild(composeRow);
  composer.appendChild(fileIn);
  return { composer, text, sendBtn, fileIn, attachBtn, pendingList };
}

/** The rating prompt shown when the conversation is resolved: five buttons, 1 to 5. */
function buildCsat(tr: Translate) {
  const csat = el('div', { role: 'group', 'aria-label': tr('csatGroup'), hidden: '' });
  csat.appendChild(styled('p', 'muted', null, tr('csatQ')));
  const csatRow = styled('div', 'row');
  csat.appendChild(csatRow);
  const rateButtons = [1, 2, 3, 4, 5].map((n) => {
    const b = styled('button', 'plain', { type: 'button', 'aria-label': tr('rate', n) }, String(n));
    csatRow.appendChild(b);
    return b;
  });
  return { csat, rateButtons };
}

/** The conversation: the message log, read receipt, typing, status, alerts, rating and composer. */
function buildChat(tr: Translate) {
  const chat = el('div', { hidden: '' });
  chat.style.cssText = 'display:flex;flex-direction:column;gap:8px';
  const log = el('ol', { role: 'log', 'aria-label': tr('messages'), 'aria-live': 'polite' });
  const receipt = styled('p', 'muted', { 'aria-live': 'polite' });
  receipt.style.textAlign = 'right';
  const status = styled('p', 'muted', { role: 'status', 'aria-label': tr('status') });
  const alertBox = styled('p', 'alert', { role: 'alert' });
  const typing = styled('p', 'muted', { 'aria-live': 'polite' });
  const csat = buildCsat(tr);
  const composer = buildComposer(tr);
  for (const n of [log, receipt, typing, status, alertBox, csat.csat, composer.composer]) chat.appendChild(n);
  return { chat, log, receipt, status, alertBox, typing, ...csat, ...composer };
}

/** Builds the whole widget, detached: the caller appends `host` to the page. */
export function buildDom(tr: Translate) {
  const host = el('div', { 'data-switchboard-webchat': '' });
  const root = host.attachShadow({ mode: 'open' });
  const style = el('style');
  style.textContent = STYLE;
  root.appendChild(style);

  const panel = styled('section', 'panel', { role: 'dialog', 'aria-label': tr('title'), hidden: '' });
  panel.appendChild(el('h2', { style: 'margin:0;font-size:16px' }, tr('title')));
  const start = buildStartForm(tr);
  const offline = buildOfflineForm(tr);
  const chat = buildChat(tr);
  panel.appendChild(start.form);
  panel.appendChild(offline.offline);
  panel.appendChild(chat.chat);

  const launcher = el(
    'button',
    { type: 'button', 'aria-label': tr('open'), 'aria-expanded': 'false' },
    tr('launcher'),
  );
  root.appendChild(panel);
  root.appendChild(launcher);
  return { host, root, panel, launcher, ...start, ...offline, ...chat };
}

export type WidgetDom = ReturnType<typeof buildDom>;

/** Whether the visitor can see the panel now (open, and the page's tab in front). */
export function isOpen(dom: Pick<WidgetDom, 'panel'>): boolean {
  return !dom.panel.hasAttribute('hidden') && document.visibilityState !== 'hidden';
}
