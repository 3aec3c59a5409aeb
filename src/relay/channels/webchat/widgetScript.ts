/**
 * The embeddable widget served at `GET /widget.js`: plain JavaScript, no framework, no build step.
 * Renders a launcher and a chat panel into a Shadow DOM (the host page's styles cannot reach in,
 * ours cannot leak out) and inserts every text with `textContent`, never as markup: messages,
 * file names and error messages alike. Strings come in English, Simplified and Traditional
 * Chinese (`data-lang`, else the browser's language); every error says what to do next.
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
      "ended": "Your chat session has ended. Open the chat again to start a new one.",
      "failed": "The chat could not start. Check your connection and try again.",
      "attach": "Attach files",
      "attachments": "Files to send",
      "remove": "Remove {name}",
      "download": "Download {name} ({size})",
      "uploading": "Uploading {name}…",
      "tooLarge": "“{name}” is larger than {size}. Attach a smaller file, for example a compressed one or a screenshot.",
      "badType": "“{name}” cannot be attached. Send an image (PNG, JPEG, GIF or WebP), a PDF or a text file instead.",
      "tooMany": "You can attach up to {n} files at a time. Send these first, then attach the rest.",
      "emptyFile": "“{name}” is empty. Choose another file.",
      "uploadFailed": "“{name}” could not be uploaded. Check your connection and attach it again.",
      "downloadFailed": "“{name}” could not be downloaded. Check your connection and try again.",
      "seen": "Seen",
      "slowDown": "You are sending quickly. Wait a moment, then send again.",
      "tooLong": "That message is too long. Shorten it to {n} characters and send it again.",
      "notSent": "That could not be sent. Reload the page and try again.",
      "forbidden": "This site cannot open this chat. Contact the site’s owner another way.",
      "offlineForm": "Leave a message",
      "offlineIntro": "No one is available to chat right now. Leave a message and we will answer by email.",
      "offlineName": "Name",
      "offlineEmail": "Email address",
      "offlineMessage": "How can we help?",
      "offlineSend": "Send message",
      "offlineThanks": "Thank you, {name}. We will answer by email at {email} within {n} hours.",
      "offlineMissing": "Fill in your name, a valid email and a message, then send again.",
      "offlineFailed": "Your message could not be sent. Check your connection and send it again."
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
      "ended": "聊天会话已结束。请重新打开聊天窗口开始新的对话。",
      "failed": "无法开始聊天。请检查网络连接后重试。",
      "attach": "添加附件",
      "attachments": "待发送的文件",
      "remove": "移除 {name}",
      "download": "下载 {name}（{size}）",
      "uploading": "正在上传 {name}…",
      "tooLarge": "“{name}”超过 {size}。请附加较小的文件，例如压缩后的文件或截图。",
      "badType": "无法附加“{name}”。请改为发送图片（PNG、JPEG、GIF 或 WebP）、PDF 或文本文件。",
      "tooMany": "一次最多可附加 {n} 个文件。请先发送这些文件，再附加其余文件。",
      "emptyFile": "“{name}”是空文件。请选择其他文件。",
      "uploadFailed": "“{name}”上传失败。请检查网络连接后重新附加。",
      "downloadFailed": "“{name}”下载失败。请检查网络连接后重试。",
      "seen": "已读",
      "slowDown": "您发送得太快了。请稍等片刻再发送。",
      "tooLong": "消息太长。请缩短到 {n} 个字符以内后重新发送。",
      "notSent": "发送失败。请刷新页面后重试。",
      "forbidden": "此网站无法打开该聊天。请通过其他方式联系网站所有者。",
      "offlineForm": "留言",
      "offlineIntro": "目前没有客服在线。请留言，我们会通过邮件回复您。",
      "offlineName": "姓名",
      "offlineEmail": "邮箱地址",
      "offlineMessage": "留言内容",
      "offlineSend": "提交留言",
      "offlineThanks": "谢谢您，{name}。我们会在 {n} 小时内通过邮件回复到 {email}。",
      "offlineMissing": "请填写姓名、有效的邮箱和留言内容后重新提交。",
      "offlineFailed": "留言提交失败。请检查网络连接后重新提交。"
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
      "ended": "聊天工作階段已結束。請重新開啟聊天視窗開始新的對話。",
      "failed": "無法開始聊天。請檢查網路連線後再試一次。",
      "attach": "附加檔案",
      "attachments": "待傳送的檔案",
      "remove": "移除 {name}",
      "download": "下載 {name}（{size}）",
      "uploading": "正在上傳 {name}…",
      "tooLarge": "「{name}」超過 {size}。請附加較小的檔案，例如壓縮後的檔案或螢幕截圖。",
      "badType": "無法附加「{name}」。請改為傳送圖片（PNG、JPEG、GIF 或 WebP）、PDF 或文字檔。",
      "tooMany": "一次最多可附加 {n} 個檔案。請先傳送這些檔案，再附加其餘檔案。",
      "emptyFile": "「{name}」是空白檔案。請選擇其他檔案。",
      "uploadFailed": "「{name}」上傳失敗。請檢查網路連線後重新附加。",
      "downloadFailed": "「{name}」下載失敗。請檢查網路連線後再試一次。",
      "seen": "已讀",
      "slowDown": "您傳送得太快了。請稍候片刻再傳送。",
      "tooLong": "訊息太長。請縮短到 {n} 個字元以內後重新傳送。",
      "notSent": "傳送失敗。請重新整理頁面後再試一次。",
      "forbidden": "此網站無法開啟這個聊天。請透過其他方式聯絡網站擁有者。",
      "offlineForm": "留言",
      "offlineIntro": "目前沒有客服在線上。請留言，我們會以電子郵件回覆您。",
      "offlineName": "姓名",
      "offlineEmail": "電子郵件地址",
      "offlineMessage": "留言內容",
      "offlineSend": "送出留言",
      "offlineThanks": "謝謝您，{name}。我們會在 {n} 小時內以電子郵件回覆到 {email}。",
      "offlineMissing": "請填寫姓名、有效的電子郵件和留言內容後重新送出。",
      "offlineFailed": "留言送出失敗。請檢查網路連線後重新送出。"
    }
  };
  var want = script.getAttribute('data-lang') || navigator.language || 'en';
  var lang = /^zh-(tw|hk|mo|hant)/i.test(want) ? 'zh-TW' : /^zh/i.test(want) ? 'zh-CN' : 'en';
  // {n}, {name}, {size}, {email}: filled in as text; the result is only ever set as textContent.
  function tr(k, p) {
    var s = STRINGS[lang][k];
    if (typeof p !== 'object' || p === null) p = { n: p };
    return s.replace(/\{(\w+)\}/g, function (m, name) { return name in p ? String(p[name]) : m; });
  }
  function sizeText(n) {
    if (n < 1024) return n + ' B';
    if (n < 1024 * 1024) return Math.round(n / 1024) + ' KB';
    return Math.round(n / 1024 / 1024 * 10) / 10 + ' MB';
  }
  var key = 'switchboard.webchat.' + inbox;
  var saved = {};
  try { saved = JSON.parse(localStorage.getItem(key) || '{}') || {}; } catch (e) { saved = {}; }
  function save() { try { localStorage.setItem(key, JSON.stringify(saved)); } catch (e) { /* private mode */ } }
  // Limits as the relay states them (GET /v1/widget/config); these are its defaults.
  var config = { online: true, offlineReplyHours: 24, maxMessageLength: 2000, attachments: { maxBytes: 10485760, maxFiles: 5 } };

  var host = document.createElement('div');
  host.setAttribute('data-switchboard-webchat', '');
  var root = host.attachShadow({ mode: 'open' });
  var style = document.createElement('style');
  style.textContent = [
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
    '[hidden]{display:none !important}'
  ].join('\n');
  root.appendChild(style);

  function el(tag, attrs, text) {
    var n = document.createElement(tag);
    if (attrs) for (var k in attrs) n.setAttribute(k, attrs[k]);
    if (text !== undefined) n.textContent = text;
    return n;
  }
  function field(labelText, input) {
    var l = el('label', null, labelText);
    l.appendChild(input);
    return l;
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
    form.appendChild(field(p[0], p[1]));
  });
  var startBtn = el('button', { type: 'submit' }, tr('start'));
  form.appendChild(startBtn);
  panel.appendChild(form);

  // Offline form: shown instead when no agent who could take the chat is there.
  // Checked here (novalidate), so the message says what to fix in the visitor's language.
  var offline = el('form', { 'aria-label': tr('offlineForm'), hidden: '', novalidate: '' });
  var offlineIntro = el('p', null, tr('offlineIntro'));
  offlineIntro.className = 'muted';
  var offName = el('input', { autocomplete: 'name', maxlength: '200', required: '' });
  var offEmail = el('input', { type: 'email', autocomplete: 'email', maxlength: '254', required: '' });
  var offText = el('textarea', { rows: '3', maxlength: '2000', required: '' });
  var offBtn = el('button', { type: 'submit' }, tr('offlineSend'));
  var offStatus = el('p', { role: 'status', 'aria-label': tr('status') });
  offStatus.className = 'muted';
  offline.appendChild(offlineIntro);
  offline.appendChild(field(tr('offlineName'), offName));
  offline.appendChild(field(tr('offlineEmail'), offEmail));
  offline.appendChild(field(tr('offlineMessage'), offText));
  offline.appendChild(offBtn);
  offline.appendChild(offStatus);
  panel.appendChild(offline);

  // Conversation.
  var chat = el('div', { hidden: '' });
  chat.style.cssText = 'display:flex;flex-direction:column;gap:8px';
  var log = el('ol', { role: 'log', 'aria-label': tr('messages'), 'aria-live': 'polite' });
  var receipt = el('p', { 'aria-live': 'polite' });
  receipt.className = 'muted';
  receipt.style.textAlign = 'right';
  var status = el('p', { role: 'status', 'aria-label': tr('status') });
  status.className = 'muted';
  var alertBox = el('p', { role: 'alert' });
  alertBox.className = 'alert';
  var typing = el('p', { 'aria-live': 'polite' });
  typing.className = 'muted';
  var composer = el('form', { 'aria-label': tr('sendForm') });
  var composeRow = el('div');
  composeRow.className = 'row';
  var text = el('textarea', { 'aria-label': tr('message'), rows: '2', maxlength: '2000' });
  text.style.flex = '1';
  var sendBtn = el('button', { type: 'submit' }, tr('send'));
  // The button is the control people and screen readers use; the input only opens the picker.
  var fileIn = el('input', {
    type: 'file', multiple: '', 'aria-hidden': 'true', tabindex: '-1',
    accept: 'image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain,.txt,.log,.csv,.md'
  });
  fileIn.className = 'sr';
  var attachBtn = el('button', { type: 'button', 'aria-label': tr('attach'), title: tr('attach') }, '📎');
  attachBtn.className = 'plain';
  attachBtn.addEventListener('click', function () { fileIn.click(); });
  var pendingList = el('ul', { 'aria-label': tr('attachments') });
  pendingList.className = 'files';
  composeRow.appendChild(attachBtn);
  composeRow.appendChild(text);
  composeRow.appendChild(sendBtn);
  composer.appendChild(pendingList);
  composer.appendChild(composeRow);
  composer.appendChild(fileIn);
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
  chat.appendChild(receipt);
  chat.appendChild(typing);
  chat.appendChild(status);
  chat.appendChild(alertBox);
  chat.appendChild(csat);
  chat.appendChild(composer);
  panel.appendChild(chat);

  var launcher = el('button', { type: 'button', 'aria-label': tr('open'), 'aria-expanded': 'false' }, tr('launcher'));
  launcher.addEventListener('click', function () {
    var open = panel.hasAttribute('hidden');
    if (open) panel.removeAttribute('hidden'); else panel.setAttribute('hidden', '');
    launcher.setAttribute('aria-expanded', String(open));
    launcher.setAttribute('aria-label', open ? tr('close') : tr('open'));
    if (open && !saved.token) loadConfig();
    if (open) markRead();
  });
  root.appendChild(panel);
  root.appendChild(launcher);

  // A new page shows the whole conversation; a reconnect asks only for what came after lastId.
  var seen = {};
  var lastId = '';
  var lastMine = '';
  var readAt = '';
  var queued = false;
  var ws = null;
  var retry = 0;
  var outbox = [];
  var csatFor = null;
  var pending = [];

  function isOpen() { return !panel.hasAttribute('hidden') && document.visibilityState !== 'hidden'; }
  function showChat() {
    form.setAttribute('hidden', '');
    form.style.display = 'none';
    offline.setAttribute('hidden', '');
    chat.removeAttribute('hidden');
  }
  function loadConfig() {
    fetch(base + '/v1/widget/config?inbox=' + encodeURIComponent(inbox)).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (c) {
      if (!c) return;
      config = c;
      text.setAttribute('maxlength', String(c.maxMessageLength));
      offText.setAttribute('maxlength', String(c.maxMessageLength));
      if (saved.token) return;
      // Nobody who could answer is there: a message for later instead of a chat that waits.
      if (c.online) { offline.setAttribute('hidden', ''); form.removeAttribute('hidden'); form.style.display = ''; }
      else { form.setAttribute('hidden', ''); form.style.display = 'none'; offline.removeAttribute('hidden'); }
    }).catch(function () { /* the live form stays; starting a chat reports any network trouble */ });
  }
  function download(a) {
    fetch(base + '/v1/widget/attachments/' + encodeURIComponent(a.id), {
      headers: { authorization: 'Bearer ' + saved.token }
    }).then(function (r) {
      if (!r.ok) throw new Error('download');
      return r.blob();
    }).then(function (blob) {
      var url = URL.createObjectURL(blob);
      var link = el('a', { href: url, download: a.name });
      root.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
    }).catch(function () { alertBox.textContent = tr('downloadFailed', { name: a.name }); });
  }
  function fileButton(a) {
    var b = el('button', { type: 'button', 'aria-label': tr('download', { name: a.name, size: sizeText(a.size) }) },
      '📎 ' + a.name + ' · ' + sizeText(a.size));
    b.className = 'file';
    b.addEventListener('click', function () { download(a); });
    return b;
  }
  function addMessage(m) {
    if (seen[m.id]) return;
    seen[m.id] = true;
    var li = el('li', null, m.body);
    li.className = m.direction;
    (m.attachments || []).forEach(function (a) {
      if (li.childNodes.length > 0) li.appendChild(el('br'));
      li.appendChild(fileButton(a));
    });
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
    lastId = m.id;
    if (m.direction === 'in') { lastMine = m.createdAt; showReceipt(); }
    else markRead();
  }
  function showReceipt() {
    receipt.textContent = lastMine && readAt && readAt >= lastMine ? tr('seen') : '';
  }
  // One 'read' for a burst of replies (a backlog on reconnect), so reads never hit the rate limit.
  var readTimer = null;
  function markRead() {
    if (readTimer || !isOpen()) return;
    readTimer = setTimeout(function () { readTimer = null; if (isOpen()) send({ t: 'read' }); }, 300);
  }
  function send(frame) {
    if (ws && ws.readyState === 1) { ws.send(JSON.stringify(frame)); return true; }
    return false;
  }
  function flush() {
    outbox.forEach(function (f) { send(f); });
  }
  function explain(f) {
    if (f.code === 'RELAY_ERR_RATE_LIMITED') return tr('slowDown');
    if (f.code === 'RELAY_ERR_TOO_LARGE') return tr('tooLong', config.maxMessageLength);
    if (f.code === 'RELAY_ERR_FORBIDDEN' || f.code === 'RELAY_ERR_UNAUTHORIZED') return tr('notSent');
    return tr('notSent');
  }
  function connect() {
    var u = base.replace(/^http/, 'ws') + '/v1/widget/socket?token=' + encodeURIComponent(saved.token) +
      (lastId ? '&since=' + encodeURIComponent(lastId) : '');
    ws = new WebSocket(u);
    ws.onopen = function () { retry = 0; flush(); markRead(); };
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
      } else if (f.t === 'read') {
        readAt = f.at;
        showReceipt();
      } else if (f.t === 'csat') {
        csatFor = f.conversationId;
        status.textContent = tr('resolved');
        csat.removeAttribute('hidden');
      } else if (f.t === 'csatSaved') {
        csat.setAttribute('hidden', '');
        status.textContent = tr('thanks');
      } else if (f.t === 'error') {
        alertBox.textContent = explain(f);
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
  function renderPending() {
    while (pendingList.firstChild) pendingList.removeChild(pendingList.firstChild);
    pending.forEach(function (a) {
      var li = el('li', null, '📎 ' + a.name + ' · ' + sizeText(a.size));
      var rm = el('button', { type: 'button', 'aria-label': tr('remove', { name: a.name }) }, '×');
      rm.className = 'plain';
      rm.addEventListener('click', function () {
        pending = pending.filter(function (p) { return p !== a; });
        renderPending();
      });
      li.appendChild(rm);
      pendingList.appendChild(li);
    });
  }
  function refusal(j, file, httpStatus) {
    var reason = j && j.error && j.error.reason;
    if (reason === 'too-large' || httpStatus === 413) return tr('tooLarge', { name: file.name, size: sizeText(config.attachments.maxBytes) });
    if (reason === 'type' || httpStatus === 415) return tr('badType', { name: file.name });
    if (reason === 'too-many') return tr('tooMany', config.attachments.maxFiles);
    if (reason === 'empty') return tr('emptyFile', { name: file.name });
    if (httpStatus === 401) return tr('ended');
    return tr('uploadFailed', { name: file.name });
  }
  // Files upload one at a time as they are chosen; the limits are checked here first, then by the relay.
  function upload(files) {
    if (files.length === 0) return;
    var file = files[0];
    var rest = files.slice(1);
    if (pending.length >= config.attachments.maxFiles) { alertBox.textContent = tr('tooMany', config.attachments.maxFiles); return; }
    if (file.size > config.attachments.maxBytes) {
      alertBox.textContent = tr('tooLarge', { name: file.name, size: sizeText(config.attachments.maxBytes) });
      return upload(rest);
    }
    status.textContent = tr('uploading', { name: file.name });
    fetch(base + '/v1/widget/attachments', {
      method: 'POST',
      headers: {
        authorization: 'Bearer ' + saved.token,
        'content-type': 'application/octet-stream',
        'x-file-name': encodeURIComponent(file.name)
      },
      body: file
    }).then(function (r) {
      return r.json().catch(function () { return null; }).then(function (j) {
        if (status.textContent === tr('uploading', { name: file.name })) status.textContent = '';
        if (!r.ok) { alertBox.textContent = refusal(j, file, r.status); return; }
        pending.push(j.attachment);
        renderPending();
      });
    }, function () {
      status.textContent = '';
      alertBox.textContent = tr('uploadFailed', { name: file.name });
    }).then(function () { upload(rest); });
  }
  fileIn.addEventListener('change', function () {
    alertBox.textContent = '';
    var list = Array.prototype.slice.call(fileIn.files || []);
    fileIn.value = '';
    upload(list);
  });
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
        if (!r.ok) throw new Error(r.status === 403 ? tr('forbidden') : r.status === 429 ? tr('slowDown') : tr('failed'));
        return j;
      });
    }).then(function (j) {
      saved = { token: j.token };
      save();
      showChat();
      connect();
    }).catch(function (err) {
      startBtn.disabled = false;
      status.textContent = err && err.message && err.message !== 'Failed to fetch' ? err.message : tr('failed');
      form.appendChild(status);
    });
  });
  offline.addEventListener('submit', function (e) {
    e.preventDefault();
    var body = { inboxId: inbox, name: offName.value.trim(), email: offEmail.value.trim(), message: offText.value.trim() };
    if (!body.name || !body.message || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(body.email)) {
      offStatus.textContent = tr('offlineMissing');
      return;
    }
    offBtn.disabled = true;
    fetch(base + '/v1/widget/offline', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (j) {
        if (!r.ok) throw new Error(r.status === 422 ? tr('offlineMissing') : r.status === 403 ? tr('forbidden') : r.status === 429 ? tr('slowDown') : tr('offlineFailed'));
        return j;
      });
    }).then(function (j) {
      [offlineIntro, offBtn].forEach(function (n) { n.setAttribute('hidden', ''); });
      Array.prototype.forEach.call(offline.querySelectorAll('label'), function (n) { n.setAttribute('hidden', ''); });
      offStatus.textContent = tr('offlineThanks', { name: body.name, email: body.email, n: j.replyWithinHours });
    }).catch(function (err) {
      offBtn.disabled = false;
      offStatus.textContent = err && err.message && err.message !== 'Failed to fetch' ? err.message : tr('offlineFailed');
    });
  });
  composer.addEventListener('submit', function (e) {
    e.preventDefault();
    var v = text.value.trim();
    if (!v && pending.length === 0) return;
    alertBox.textContent = '';
    var f = { t: 'message', text: v, clientId: String(Date.now()) + Math.random().toString(36).slice(2) };
    if (pending.length > 0) f.attachments = pending.map(function (a) { return a.id; });
    pending = [];
    renderPending();
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
  document.addEventListener('visibilitychange', markRead);

  document.body.appendChild(host);
  if (saved.token) { showChat(); connect(); }
  loadConfig();
})();
`;
