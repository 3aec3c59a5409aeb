import { describe, expect, it } from 'vitest';
import { offlineRefusalKey, startRefusalKey } from './forms';
import { createTranslator } from './strings';

const en = createTranslator('en');

describe('widget/forms', () => {
  it('says why a chat could not start and what to do', () => {
    expect(en(startRefusalKey(403))).toBe(
      'This site cannot open this chat. Contact the site’s owner another way.',
    );
    expect(en(startRefusalKey(429))).toBe('You are sending quickly. Wait a moment, then send again.');
    expect(en(startRefusalKey(500))).toBe('The chat could not start. Check your connection and try again.');
  });

  it('says why a message for later was refused and what to do', () => {
    expect(en(offlineRefusalKey(422))).toBe(
      'Fill in your name, a valid email and a message, then send again.',
    );
    expect(en(offlineRefusalKey(403))).toBe(
      'This site cannot open this chat. Contact the site’s owner another way.',
    );
    expect(en(offlineRefusalKey(429))).toBe('You are sending quickly. Wait a moment, then send again.');
    expect(en(offlineRefusalKey(502))).toBe(
      'Your message could not be sent. Check your connection and send it again.',
    );
  });
});
