/**
 * The widget's texts in English, Simplified and Traditional Chinese. The visitor's language is the
 * script tag's `data-lang`, else the browser's. Placeholders ({n}, {name}, {size}, {email}) are
 * filled in as text, and the result is only ever set as `textContent`, never parsed as markup.
 */
const en = {
  title: 'Chat with us',
  startForm: 'Start a chat',
  name: 'Your name',
  email: 'Email (optional)',
  phone: 'Phone (optional)',
  start: 'Start chat',
  messages: 'Messages',
  status: 'Chat status',
  sendForm: 'Send a message',
  message: 'Message',
  send: 'Send',
  csatGroup: 'How did we do?',
  csatQ: 'How did we do? Rate this conversation from 1 to 5.',
  rate: 'Rate {n} out of 5',
  open: 'Open chat',
  close: 'Close chat',
  launcher: 'Chat',
  queue: 'You are number {n} in the queue.',
  assigned: 'An agent has joined the conversation.',
  typing: 'The agent is typing…',
  resolved: 'The conversation was resolved.',
  thanks: 'Thank you for your feedback!',
  ended: 'Your chat session has ended. Open the chat again to start a new one.',
  failed: 'The chat could not start. Check your connection and try again.',
  attach: 'Attach files',
  attachments: 'Files to send',
  remove: 'Remove {name}',
  download: 'Download {name} ({size})',
  uploading: 'Uploading {name}…',
  tooLarge:
    '“{name}” is larger than {size}. Attach a smaller file, for example a compressed one or a screenshot.',
  badType:
    '“{name}” cannot be attached. Send an image (PNG, JPEG, GIF or WebP), a PDF or a text file instead.',
  tooMany: 'You can attach up to {n} files at a time. Send these first, then attach the rest.',
  emptyFile: '“{name}” is empty. Choose another file.',
  uploadFailed: '“{name}” could not be uploaded. Check your connection and attach it again.',
  downloadFailed: '“{name}” could not be downloaded. Check your connection and try again.',
  seen: 'Seen',
  slowDown: 'You are sending quickly. Wait a moment, then send again.',
  tooLong: 'That message is too long. Shorten it to {n} characters and send it again.',
  notSent: 'That could not be sent. Reload the page and try again.',
  forbidden: 'This site cannot open this chat. Contact the site’s owner another way.',
  offlineForm: 'Leave a message',
  offlineIntro: 'No one is available to chat right now. Leave a message and we will answer by email.',
  offlineName: 'Name',
  offlineEmail: 'Email address',
  offlineMessage: 'How can we help?',
  offlineSend: 'Send message',
  offlineThanks: 'Thank you, {name}. We will answer by email at {email} within {n} hours.',
  offlineMissing: 'Fill in your name, a valid email and a message, then send again.',
  offlineFailed: 'Your message could not be sent. Check your connection and send it again.',
};

export type StringKey = keyof typeof en;
export type Lang = 'en' | 'zh-CN' | 'zh-TW';

/** Every text of the widget in every language (the type makes a missing key a compile error). */
export const STRINGS: Record<Lang, Record<StringKey, string>> = {
  en,
  'zh-CN': {
    title: '联系我们',
    startForm: '开始聊天',
    name: '您的姓名',
    email: '邮箱（可选）',
    phone: '电话（可选）',
    start: '开始聊天',
    messages: '消息',
    status: '聊天状态',
    sendForm: '发送消息',
    message: '消息',
    send: '发送',
    csatGroup: '服务评价',
    csatQ: '请为本次服务打分（1–5）。',
    rate: '评 {n} 分（满分 5 分）',
    open: '打开聊天',
    close: '关闭聊天',
    launcher: '聊天',
    queue: '您前面还有 {n} 位，请稍候。',
    assigned: '客服已加入对话。',
    typing: '客服正在输入…',
    resolved: '对话已结束。',
    thanks: '感谢您的评价！',
    ended: '聊天会话已结束。请重新打开聊天窗口开始新的对话。',
    failed: '无法开始聊天。请检查网络连接后重试。',
    attach: '添加附件',
    attachments: '待发送的文件',
    remove: '移除 {name}',
    download: '下载 {name}（{size}）',
    uploading: '正在上传 {name}…',
    tooLarge: '“{name}”超过 {size}。请附加较小的文件，例如压缩后的文件或截图。',
    badType: '无法附加“{name}”。请改为发送图片（PNG、JPEG、GIF 或 WebP）、PDF 或文本文件。',
    tooMany: '一次最多可附加 {n} 个文件。请先发送这些文件，再附加其余文件。',
    emptyFile: '“{name}”是空文件。请选择其他文件。',
    uploadFailed: '“{name}”上传失败。请检查网络连接后重新附加。',
    downloadFailed: '“{name}”下载失败。请检查网络连接后重试。',
    seen: '已读',
    slowDown: '您发送得太快了。请稍等片刻再发送。',
    tooLong: '消息太长。请缩短到 {n} 个字符以内后重新发送。',
    notSent: '发送失败。请刷新页面后重试。',
    forbidden: '此网站无法打开该聊天。请通过其他方式联系网站所有者。',
    offlineForm: '留言',
    offlineIntro: '目前没有客服在线。请留言，我们会通过邮件回复您。',
    offlineName: '姓名',
    offlineEmail: '邮箱地址',
    offlineMessage: '留言内容',
    offlineSend: '提交留言',
    offlineThanks: '谢谢您，{name}。我们会在 {n} 小时内通过邮件回复到 {email}。',
    offlineMissing: '请填写姓名、有效的邮箱和留言内容后重新提交。',
    offlineFailed: '留言提交失败。请检查网络连接后重新提交。',
  },
  'zh-TW': {
    title: '聯絡我們',
    startForm: '開始聊天',
    name: '您的姓名',
    email: '電子郵件（選填）',
    phone: '電話（選填）',
    start: '開始聊天',
    messages: '訊息',
    status: '聊天狀態',
    sendForm: '傳送訊息',
    message: '訊息',
    send: '傳送',
    csatGroup: '服務評價',
    csatQ: '請為本次服務評分（1–5）。',
    rate: '評 {n} 分（滿分 5 分）',
    open: '開啟聊天',
    close: '關閉聊天',
    launcher: '聊天',
    queue: '您目前排在第 {n} 位，請稍候。',
    assigned: '客服已加入對話。',
    typing: '客服正在輸入…',
    resolved: '對話已結束。',
    thanks: '感謝您的評價！',
    ended: '聊天工作階段已結束。請重新開啟聊天視窗開始新的對話。',
    failed: '無法開始聊天。請檢查網路連線後再試一次。',
    attach: '附加檔案',
    attachments: '待傳送的檔案',
    remove: '移除 {name}',
    download: '下載 {name}（{size}）',
    uploading: '正在上傳 {name}…',
    tooLarge: '「{name}」超過 {size}。請附加較小的檔案，例如壓縮後的檔案或螢幕截圖。',
    badType: '無法附加「{name}」。請改為傳送圖片（PNG、JPEG、GIF 或 WebP）、PDF 或文字檔。',
    tooMany: '一次最多可附加 {n} 個檔案。請先傳送這些檔案，再附加其餘檔案。',
    emptyFile: '「{name}」是空白檔案。請選擇其他檔案。',
    uploadFailed: '「{name}」上傳失敗。請檢查網路連線後重新附加。',
    downloadFailed: '「{name}」下載失敗。請檢查網路連線後再試一次。',
    seen: '已讀',
    slowDown: '您傳送得太快了。請稍候片刻再傳送。',
    tooLong: '訊息太長。請縮短到 {n} 個字元以內後重新傳送。',
    notSent: '傳送失敗。請重新整理頁面後再試一次。',
    forbidden: '此網站無法開啟這個聊天。請透過其他方式聯絡網站擁有者。',
    offlineForm: '留言',
    offlineIntro: '目前沒有客服在線上。請留言，我們會以電子郵件回覆您。',
    offlineName: '姓名',
    offlineEmail: '電子郵件地址',
    offlineMessage: '留言內容',
    offlineSend: '送出留言',
    offlineThanks: '謝謝您，{name}。我們會在 {n} 小時內以電子郵件回覆到 {email}。',
    offlineMissing: '請填寫姓名、有效的電子郵件和留言內容後重新送出。',
    offlineFailed: '留言送出失敗。請檢查網路連線後重新送出。',
  },
};

/** Values for a text's placeholders; a bare number fills `{n}`. */
export type TextParams = number | Record<string, string | number | undefined>;
/** Looks up a text in the visitor's language and fills its placeholders. */
export type Translate = (key: StringKey, params?: TextParams) => string;

/** The widget's language for a BCP 47 tag: Traditional for Taiwan, Hong Kong, Macau and Hant. */
export function pickLang(want: string): Lang {
  if (/^zh-(tw|hk|mo|hant)/i.test(want)) return 'zh-TW';
  return /^zh/i.test(want) ? 'zh-CN' : 'en';
}

/** A `Translate` for one language; a placeholder without a value stays as written. */
export function createTranslator(lang: Lang): Translate {
  return (key, params) => {
    const values = typeof params === 'object' ? params : { n: params };
    return STRINGS[lang][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in values ? String(values[name]) : whole,
    );
  };
}

/** A file size as people read it: bytes, whole KB, or MB with one decimal. */
export function sizeText(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;
}
