import { describe, expect, it } from 'vitest';
import { callNotificationText, mentionNotificationText, offerNotificationText } from './notificationText';

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

  it('a ringing call names the customer and the number, offers Answer and Decline, in the agent’s language', () => {
    expect(callNotificationText('en', { caller: '+8613800000000', customerName: 'Wang Fang' })).toEqual({
      title: 'Switchboard: incoming call',
      body: 'Wang Fang (+8613800000000)',
      answer: 'Answer',
      decline: 'Decline',
      tray: 'Switchboard: call from Wang Fang (+8613800000000)',
    });
    expect(callNotificationText('zh-CN', { caller: '+8613800000000', customerName: null })).toMatchObject({
      title: 'Switchboard：来电',
      body: '+8613800000000',
      answer: '接听',
      decline: '拒绝',
    });
    expect(callNotificationText('zh-TW', { caller: '', customerName: null })).toMatchObject({
      body: '未知來電',
      answer: '接聽',
    });
    // A hostile caller id stays one short line.
    const long = callNotificationText('en', { caller: `1\n2${'9'.repeat(500)}`, customerName: 'A\tB' });
    expect(long.body).not.toMatch(/[\n\t]/);
    expect(long.body.length).toBeLessThan(200);
  });
});
