import { afterEach, describe, expect, it } from 'vitest';
import { openSession } from './session';

afterEach(() => localStorage.clear());

describe('widget/session', () => {
  it('keeps the visitor’s token per inbox across page loads until the relay ends the chat', () => {
    const first = openSession('inbox-a');
    expect(first.token).toBeUndefined();
    first.start('tok-1');
    expect(openSession('inbox-a').token).toBe('tok-1');
    expect(openSession('inbox-b').token).toBeUndefined();
    expect(localStorage.getItem('switchboard.webchat.inbox-a')).toBe('{"token":"tok-1"}');
    first.end();
    expect(openSession('inbox-a').token).toBeUndefined();
    expect(localStorage.getItem('switchboard.webchat.inbox-a')).toBe('{}');
  });

  it('starts afresh when what was saved is unreadable', () => {
    for (const junk of ['not json', 'null', '"x"', '{"token":5}', '{"token":""}']) {
      localStorage.setItem('switchboard.webchat.inbox-c', junk);
      expect(openSession('inbox-c').token, junk).toBeUndefined();
    }
  });
});
