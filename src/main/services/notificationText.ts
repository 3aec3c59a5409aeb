import type { Language } from '../../shared/settings';
import type { Channel } from '../../shared/sync/entities';

/**
 * Texts of the desktop notifications main shows (new offers, @mentions) in the agent's language:
 * the OS draws them, so they cannot use the renderer's i18n. Customer names and subjects are
 * untrusted text; notifications show plain text only.
 */
const T = {
  en: {
    channels: {
      chat: 'chat',
      email: 'email',
      sms: 'SMS',
      whatsapp: 'WhatsApp',
      wechat: 'WeChat',
      voice: 'call',
      api: 'API conversation',
    },
    offerTitle: (ch: string) => `Switchboard: new ${ch}`,
    someone: 'A customer',
    accept: 'Accept',
    decline: 'Decline',
    mentionTitle: (who: string) => `${who} mentioned you`,
    colleague: 'A colleague',
    mentionBody: (where: string) => `in ${where}`,
    aConversation: 'a conversation',
    callTitle: 'Switchboard: incoming call',
    unknownCaller: 'Unknown caller',
    answer: 'Answer',
    trayCall: (who: string) => `Switchboard: call from ${who}`,
  },
  'zh-CN': {
    channels: {
      chat: '在线聊天',
      email: '邮件',
      sms: '短信',
      whatsapp: 'WhatsApp 消息',
      wechat: '微信消息',
      voice: '来电',
      api: 'API 会话',
    },
    offerTitle: (ch: string) => `Switchboard：新的${ch}`,
    someone: '一位客户',
    accept: '接受',
    decline: '拒绝',
    mentionTitle: (who: string) => `${who} 提到了您`,
    colleague: '一位同事',
    mentionBody: (where: string) => `在 ${where}`,
    aConversation: '一个会话',
    callTitle: 'Switchboard：来电',
    unknownCaller: '未知来电',
    answer: '接听',
    trayCall: (who: string) => `Switchboard：${who} 来电`,
  },
  'zh-TW': {
    channels: {
      chat: '線上聊天',
      email: '郵件',
      sms: '簡訊',
      whatsapp: 'WhatsApp 訊息',
      wechat: '微信訊息',
      voice: '來電',
      api: 'API 對話',
    },
    offerTitle: (ch: string) => `Switchboard：新的${ch}`,
    someone: '一位客戶',
    accept: '接受',
    decline: '拒絕',
    mentionTitle: (who: string) => `${who} 提到了您`,
    colleague: '一位同事',
    mentionBody: (where: string) => `在 ${where}`,
    aConversation: '一個對話',
    callTitle: 'Switchboard：來電',
    unknownCaller: '未知來電',
    answer: '接聽',
    trayCall: (who: string) => `Switchboard：${who} 來電`,
  },
} satisfies Record<Language, unknown>;

const pick = (lang: string) => T[(lang in T ? lang : 'en') as Language];
/** One line, bounded: a notification is no place for a 10,000-character name. */
const clip = (s: string, n = 120) => s.replace(/\s+/g, ' ').trim().slice(0, n);

export function offerNotificationText(
  lang: string,
  o: { channel: Channel; customerName: string; subject: string },
): { title: string; body: string; accept: string; decline: string } {
  const t = pick(lang);
  const who = clip(o.customerName) || t.someone;
  const subject = clip(o.subject);
  return {
    title: t.offerTitle(t.channels[o.channel] ?? o.channel),
    body: subject ? `${who}: ${subject}` : who,
    accept: t.accept,
    decline: t.decline,
  };
}

export function mentionNotificationText(
  lang: string,
  m: { authorName: string; customerName: string | null; subject: string },
): { title: string; body: string } {
  const t = pick(lang);
  const where = [m.customerName, m.subject]
    .map((x) => clip(x ?? ''))
    .filter((x) => x)
    .join(': ');
  return {
    title: t.mentionTitle(clip(m.authorName) || t.colleague),
    body: t.mentionBody(where || t.aConversation),
  };
}

/**
 * A ringing call's notification and tray text: who calls (the customer's name with the number, or
 * the number alone), and the Answer and Decline actions. The caller id is untrusted text.
 */
export function callNotificationText(
  lang: string,
  c: { caller: string; customerName: string | null },
): { title: string; body: string; answer: string; decline: string; tray: string } {
  const t = pick(lang);
  const number = clip(c.caller, 64);
  const name = clip(c.customerName ?? '');
  const who = name && number ? `${name} (${number})` : name || number || t.unknownCaller;
  return { title: t.callTitle, body: who, answer: t.answer, decline: t.decline, tray: t.trayCall(who) };
}
