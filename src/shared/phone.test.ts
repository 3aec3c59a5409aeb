import { describe, expect, it } from 'vitest';
import { normalizeCallerNumber, sipAccountSchema } from './phone';

describe('shared/phone', () => {
  it('normalizes caller ids to E.164 with the default region', () => {
    expect(normalizeCallerNumber('+12125550123', 'CN')).toBe('+12125550123');
    expect(normalizeCallerNumber('(212) 555-0123', 'US')).toBe('+12125550123');
    expect(normalizeCallerNumber('13800138000', 'CN')).toBe('+8613800138000');
    expect(normalizeCallerNumber('0912345678', 'TW')).toBe('+886912345678');
  });

  it('refuses hostile or absurd caller ids without throwing', () => {
    for (const raw of [
      '<script>alert(1)</script>',
      '9'.repeat(300),
      '',
      'agent1',
      '+1 212 555 01\u202e23',
      '123',
    ]) {
      expect(normalizeCallerNumber(raw, 'US')).toBeNull();
    }
  });

  it('accepts wss anywhere and plain ws only on loopback', () => {
    const base = {
      uri: 'sip:agent@example.com',
      authUser: 'agent',
      displayName: '',
      iceServers: [],
      region: 'US',
      dtmf: 'auto' as const,
      dispositions: ['resolved'],
    };
    expect(sipAccountSchema.safeParse({ ...base, server: 'wss://sip.example.com' }).success).toBe(true);
    expect(sipAccountSchema.safeParse({ ...base, server: 'ws://127.0.0.1:5066' }).success).toBe(true);
    expect(sipAccountSchema.safeParse({ ...base, server: 'ws://sip.example.com' }).success).toBe(false);
  });
});
