/**
 * The embeddable widget served at `GET /widget.js`: plain JavaScript, no framework, no build step.
 * Renders a launcher and a chat panel into a Shadow DOM (the host page's styles cannot reach in,
 * ours cannot leak out) and inserts every text with `textContent`, never as markup.
 */
export const WIDGET_SCRIPT = String.raw`(function () {
  'use strict';
  var script = document.currentScript;
  if (!script) return;
  var inbox = script.getAttribute('data-inbox') || '';
  var userId = script.getAttribute('data-user-id') || '';
  var userHash = script.getAttribute('data-user-hash') || '';
  var base = new URL(script.src).origin;
  // Strings in the visitor's language: data-lang on the script tag, else the browser's.
  var STRINGS = {
    "en": {
      "title": "Chat with us",
      "startForm": "Start a chat",
      "name": "Your name",
      "email": "Email (optional)",
      "phone": "Phone (optional)",
      "start": "Start chat",
      "messages": "Messages",
      "status": "Chat status",
      "sendForm": "Send a message",
      "message": "Message",
      "send": "Send",
      "csatGroup": "How did we do?",
      "csatQ": "How did we do? Rate this conversation from 1 to 5.",
      "rate": "Rate {n} out of 5",
      "open": "Open chat",
      "close": "Close chat",
      "launcher": "Chat",
      "queue": "You are number {n} in the queue.",
      "assigned": "An agent has joined the conversation.",
      "typing": "The agent is typing…",
      "resolved": "The conversation was resolved.",
      "thanks": "Thank you for your feedback!",
      "ended": "Your chat session has ended.",
      "failed": "The chat could not start."
    },
    "zh-CN": {
      "title": "联系我们",
      "startForm": "开始聊天",
      "name": "您的姓名",
      "email": "邮箱（可选）",
      "phone": "电话（可选）",
      "start": "开始聊天",
      "messages": "消息",
      "status": "聊天状态",
      "sendForm": "发送消息",
      "message": "消息",
      "send": "发送",
      "csatGroup": "服务评价",
      "csatQ": "请为本次服务打分（1–5）。",
      "rate": "评 {n} 分（满分 5 分）",
      "open": "打开聊天",
      "close": "关闭聊天",
      "launcher": "聊天",
      "queue": "您前面还有 {n} 位，请稍候。",
      "assigned": "客服已加入对话。",
      "typing": "客服正在输入…",
      "resolved": "对话已结束。",
      "thanks": "感谢您的评价！",
      "ended": "聊天会话已结束。",
      "failed": "无法开始聊天。"
    },
    "zh-TW": {
      "title": "聯絡我們",
      "startForm": "開始聊天",
      "name": "您的姓名",
      "email": "電子郵件（選填）",
      "phone": "電話（選填）",
      "start": "開始聊天",
      "messages": "訊息",
      "status": "聊天狀態",
      "sendForm": "傳送訊息",
      "message": "訊息",
      "send": "傳送",
      "csatGroup": "服務評價",
      "csatQ": "請為本次服務評分（1–5）。",
      "rate": "評 {n} 分（滿分 5 分）",
      "open": "開啟聊天",
      "close": "關閉聊天",
      "launcher": "聊天",
      "queue": "您目前排在第 {n} 位，請稍候。",
      "assigned": "客服已加入對話。",
      "typing": "客服正在輸入…",
      "resolved": "對話已結束。",
      "thanks": "感謝您的評價！",
      "ended": "聊天工作階段已結束。",
      "failed": "無法開始聊天。"
    }
  };
  var want = script.getAttribute('data-lang') || navigator.language || 'en';
  var lang = /^zh-(tw|hk|mo|hant)/i.test(want) ? 'zh-TW' : /^zh/i.test(want) ? 'zh-CN' : 'en';
  function tr(k, n) { return STRINGS[lang][k].replace('{n}', String(n)); }
  var key = 'switchboard.webchat.' + inbox;
  var saved = {};
  try { saved = JSON.parse(localStorage.getItem(key) || '{}') || {}; } catch (e) { saved = {}; }
  function save() { try { localStorage.setItem(key, JSON.stringify(saved)); } catch (e) { /* private mode */ } }

  var host = document.createElement('div');
  host.setAttribute('data-switchboard-webchat', '');
  var root = host.attachShadow({ mode: 'open' });
  var style = document.createElement('style');
  style.textContent = [
    ':host{all:initial;position:fixed;right:16px;bottom:16px;z-index:2147483647;font:14px/1.4 system-ui,sans-serif;color:#1b1f24}',
    'button{font:inherit;cursor:pointer;border-radius:6px;border:1px solid #1f6feb;background:#1f6feb;color:#fff;padding:6px 12px}',
    'button.plain{background:#fff;color:#1f6feb}',
    '.panel{width:320px;max-height:480px;display:flex;flex-direction:column;gap:8px;background:#fff;border:1px solid #d0d7de;border-radius:10px;padding:12px;box-shadow:0 8px 24px rgba(0,0,0,.15);margin-bottom:8px}',
    '.panel[hidden]{display:none}',
    'label{display:flex;flex-direction:column;gap:2px;font-size:12px}',
    'input,textarea{font:inherit;border:1px solid #d0d7de;border-radius:6px;padding:6px}',
    'ol{list-style:none;margin:0;padding:0;overflow:auto;flex:1;display:flex;flex-direction:column;gap:6px;min-height:120px}',
    'li{padding:6px 8px;border-radius:8px;background:#f6f8fa;max-width:85%;white-space:pre-wrap;overflow-wrap:anywhere}',
    'li.in{align-self:flex-end;background:#ddf4ff}',
    '.muted{font-size:12px;color:#57606a;margin:0}',
    '.row{display:flex;gap:4px}',
    '[hidden]{display:none !important}'
  ].join('\n');
  root.appendChild(style);

  function el(tag, attrs, text) {
    var n = document.createElement(tag);
    if (attrs) for (var k in attrs) n.setAttribute(k, attrs[k]);
    if (text !== undefined) n.textContent = text;
    return n;
  }

  var panel = el('section', { role: 'dialog', 'aria-label': tr('title'), hidden: '' });
  panel.className = 'panel';
  var heading = el('h2', { style: 'margin:0;font-size:16px' }, tr('title'));
  panel.appendChild(heading);

  // Pre-chat form: every field optional.
  var form = el('form', { 'aria-label': tr('startForm') });
  var nameIn = el('input', { autocomplete: 'name', maxlength: '200' });
  var emailIn = el('input', { type: 'email', autocomplete: 'email', maxlength: '254' });
  var phoneIn = el('input', { type: 'tel', autocomplete: 'tel', maxlength: '40' });
  [[tr('name'), nameIn], [tr('email'), emailIn], [tr('phone'), phoneIn]].forEach(function (p) {
    var l = el('label', null, p[0]);
    l.appendChild(p[1]);
    form.appendChild(l);
  });
  var startBtn = el('button', { type: 'submit' }, tr('start'));
  form.appendChild(startBtn);
  panel.appendChild(form);

  // Conversation.
  var chat = el('div', { hidden: '' });
  chat.style.cssText = 'display:flex;flex-direction:column;gap:8px';
  var log = el('ol', { role: 'log', 'aria-label': tr('messages'), 'aria-live': 'polite' });
  var status = el('p', { role: 'status', 'aria-label': tr('status') });
  status.className = 'muted';
  var typing = el('p', { 'aria-live': 'polite' });
  typing.className = 'muted';
  var composer = el('form', { 'aria-label': tr('sendForm') });
  composer.className = 'row';
  var text = el('textarea', { 'aria-label': tr('message'), rows: '2', maxlength: '2000' });
  text.style.flex = '1';
  var sendBtn = el('button', { type: 'submit' }, tr('send'));
  composer.appendChild(text);
  composer.appendChild(sendBtn);
  var csat = el('div', { role: 'group', 'aria-label': tr('csatGroup'), hidden: '' });
  var csatQ = el('p', null, tr('csatQ'));
  csatQ.className = 'muted';
  csat.appendChild(csatQ);
  var csatRow = el('div');
  csatRow.className = 'row';
  csat.appendChild(csatRow);
  [1, 2, 3, 4, 5].forEach(function (n) {
    var b = el('button', { type: 'button', 'aria-label': tr('rate', n) }, String(n));
    b.className = 'plain';
    b.addEventListener('click', function () { rate(n); });
    csatRow.appendChild(b);
  });
  chat.appendChild(log);
  chat.appendChild(typing);
  chat.appendChild(status);
  chat.appendChild(csat);
  chat.appendChild(composer);
  panel.appendChild(chat);

  var launcher = el('button', { type: 'button', 'aria-label': tr('open'), 'aria-expanded': 'false' }, tr('launcher'));
  launcher.addEventListener('click', function () {
    var open = panel.hasAttribute('hidden');
    if (open) panel.removeAttribute('hidden'); else panel.setAttribute('hidden', '');
    launcher.setAttribute('aria-expanded', String(open));
    launcher.setAttribute('aria-label', open ? tr('close') : tr('open'));
  });
  root.appendChild(panel);
  root.appendChild(launcher);

  // A new page shows the whole conversation; a reconnect asks only for what came after lastId.
  var seen = {};
  var lastId = '';
  var queued = false;
  var ws = null;
  var retry = 0;
  var outbox = [];
  var csatFor = null;

  function showChat() {
    form.setAttribute('hidden', '');
    form.style.display = 'none';
    chat.removeAttribute('hidden');
  }
  function addMessage(m) {
    if (seen[m.id]) return;
    seen[m.id] = true;
    var li = el('li', null, m.body);
    li.className = m.direction;
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
    lastId = m.id;
  }
  function send(frame) {
    if (ws && ws.readyState === 1) { ws.send(JSON.stringify(frame)); return true; }
    return false;
  }
  function flush() {
    outbox.forEach(function (f) { send(f); });
  }
  function connect() {
    var u = base.replace(/^http/, 'ws') + '/v1/widget/socket?token=' + encodeURIComponent(saved.token) +
      (lastId ? '&since=' + encodeURIComponent(lastId) : '');
    ws = new WebSocket(u);
    ws.onopen = function () { retry = 0; flush(); };
    ws.onmessage = function (ev) {
      var f;
      try { f = JSON.parse(ev.data); } catch (e) { return; }
      if (f.t === 'message') {
        addMessage(f.message);
        if (f.clientId) outbox = outbox.filter(function (o) { return o.clientId !== f.clientId; });
        if (f.message.direction === 'out') typing.textContent = '';
      } else if (f.t === 'queue') {
        if (f.position > 0) status.textContent = tr('queue', f.position);
        else if (queued) status.textContent = '';
        queued = f.position > 0;
      } else if (f.t === 'assigned') {
        queued = false;
        status.textContent = tr('assigned');
      } else if (f.t === 'typing') {
        typing.textContent = f.on ? tr('typing') : '';
      } else if (f.t === 'csat') {
        csatFor = f.conversationId;
        status.textContent = tr('resolved');
        csat.removeAttribute('hidden');
      } else if (f.t === 'csatSaved') {
        csat.setAttribute('hidden', '');
        status.textContent = tr('thanks');
      } else if (f.t === 'error') {
        status.textContent = f.message;
      }
    };
    ws.onclose = function (ev) {
      ws = null;
      if (ev.code === 4401) { saved = {}; save(); status.textContent = tr('ended'); return; }
      retry = Math.min(retry + 1, 6);
      setTimeout(connect, 500 * Math.pow(2, retry - 1));
    };
  }
  function rate(n) {
    if (csatFor) send({ t: 'csat', conversationId: csatFor, score: n });
  }
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    startBtn.disabled = true;
    var body = { inboxId: inbox, name: nameIn.value, email: emailIn.value, phone: phoneIn.value };
    if (userId && userHash) { body.userId = userId; body.userHash = userHash; }
    fetch(base + '/v1/widget/sessions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (j) {
        if (!r.ok) throw new Error((j.error && j.error.message) || tr('failed'));
        return j;
      });
    }).then(function (j) {
      saved = { token: j.token };
      save();
      showChat();
      connect();
    }).catch(function (err) {
      startBtn.disabled = false;
      status.textContent = String(err.message || err);
      form.appendChild(status);
    });
  });
  composer.addEventListener('submit', function (e) {
    e.preventDefault();
    var v = text.value.trim();
    if (!v) return;
    var f = { t: 'message', text: v, clientId: String(Date.now()) + Math.random().toString(36).slice(2) };
    outbox.push(f);
    send(f);
    text.value = '';
    stopTyping();
  });
  // "Typing" lasts until 4 s without a keystroke, or until the message is sent.
  var typingTimer = null;
  function stopTyping() {
    if (!typingTimer) return;
    clearTimeout(typingTimer);
    typingTimer = null;
    send({ t: 'typing', on: false });
  }
  text.addEventListener('input', function () {
    if (!typingTimer) send({ t: 'typing', on: true });
    clearTimeout(typingTimer);
    typingTimer = setTimeout(stopTyping, 4000);
  });
  text.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); composer.requestSubmit(); }
  });

  document.body.appendChild(host);
  if (saved.token) { showChat(); connect(); }
})();
`;
