import { describe, expect, it } from 'vitest';
import { mentionNotificationText, offerNotificationText } from './notificationText';

describe('main/services/notificationText', () => {
  it('speaks the agent’s language, falls back to English, and keeps untrusted text short and plain', () => {
    const offer = { channel: 'wechat' as const, customerName: '王芳', subject: '订单 1001' };
    expect(offerNotificationText('zh-CN', offer)).toEqual({
      title: 'Switchboard：新的微信消息',
      body: '王芳: 订单 1001',
      accept: '接受',
      decline: '拒绝',
    });
    expect(offerNotificationText('zh-TW', { ...offer, channel: 'voice' }).title).toBe(
      'Switchboard：新的來電',
    );
    expect(offerNotificationText('fr', { channel: 'chat', customerName: '', subject: '' })).toMatchObject({
      title: 'Switchboard: new chat',
      body: 'A customer',
    });
    const long = offerNotificationText('en', {
      channel: 'email',
      customerName: 'x'.repeat(10_000),
      subject: 'a\nb',
    });
    expect(long.body.length).toBeLessThan(130);
    expect(long.body).not.toContain('\n');
    expect(mentionNotificationText('zh-TW', { authorName: '李娜', customerName: null, subject: '' })).toEqual(
      {
        title: '李娜 提到了您',
        body: '在 一個對話',
      },
    );
  });
});
