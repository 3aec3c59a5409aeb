import { describe, expect, it } from 'vitest';
import { cleanSubject, messageIds, skipReason, tokenInAddress, tokenInSubject } from './classify';

const headers = (h: Record<string, string>) => new Map(Object.entries(h));
const base = {
  from: 'ann@customer.test',
  ownAddress: 'shop@shop.test',
  subject: 'Order',
  contentType: 'text/plain',
};

describe('relay/channels/email/classify', () => {
  it('lets a person writing through', () => {
    expect(skipReason({ ...base, headers: headers({}) })).toBeNull();
    expect(skipReason({ ...base, headers: headers({ 'auto-submitted': 'no' }) })).toBeNull();
  });

  it('never opens a conversation for automatic mail, bounces or the inbox itself', () => {
    expect(skipReason({ ...base, from: 'SHOP@shop.test', headers: headers({}) })).toBe('own-address');
    expect(skipReason({ ...base, headers: headers({ 'auto-submitted': 'auto-replied' }) })).toBe(
      'auto-reply',
    );
    expect(skipReason({ ...base, headers: headers({ precedence: 'bulk' }) })).toBe('auto-reply');
    expect(skipReason({ ...base, headers: headers({ 'x-autoreply': 'yes' }) })).toBe('auto-reply');
    expect(skipReason({ ...base, subject: 'Out of Office: back Monday', headers: headers({}) })).toBe(
      'auto-reply',
    );
    expect(skipReason({ ...base, subject: '自动回复: 休假中', headers: headers({}) })).toBe('auto-reply');
    expect(skipReason({ ...base, from: 'mailer-daemon@x.test', headers: headers({}) })).toBe('bounce');
    expect(skipReason({ ...base, from: null, headers: headers({}) })).toBe('bounce');
    expect(
      skipReason({
        ...base,
        contentType: 'multipart/report; report-type=delivery-status',
        headers: headers({}),
      }),
    ).toBe('bounce');
  });

  it('reads Message-IDs and reply tokens', () => {
    expect(messageIds('<a@x> <b@y>')).toEqual(['<a@x>', '<b@y>']);
    expect(messageIds(['<a@x>', 'junk', '<c@z>'])).toEqual(['<a@x>', '<c@z>']);
    expect(tokenInSubject('Re: Order [#ab12cd34ef]')).toBe('ab12cd34ef');
    expect(tokenInSubject('Re: Order [#short]')).toBeNull();
    expect(tokenInAddress(['shop+ab12cd34ef@shop.test'], 'shop@shop.test')).toBe('ab12cd34ef');
    expect(tokenInAddress(['evil+ab12cd34ef@shop.test'], 'shop@shop.test')).toBeNull();
    expect(cleanSubject('Re: RE: 回复: Order [#ab12cd34ef]')).toBe('Order');
  });
});
