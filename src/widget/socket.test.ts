import { describe, expect, it } from 'vitest';
import { parseFrame, socketUrl } from './socket';

describe('widget/socket', () => {
  it('connects with the token and resumes after the last message shown', () => {
    expect(socketUrl('https://relay.example', 'a b&c', '')).toBe(
      'wss://relay.example/v1/widget/socket?token=a%20b%26c',
    );
    expect(socketUrl('http://127.0.0.1:8787', 'tok', 'm/1')).toBe(
      'ws://127.0.0.1:8787/v1/widget/socket?token=tok&since=m%2F1',
    );
  });

  it('ignores what is not a frame', () => {
    expect(parseFrame('{"t":"assigned"}')).toEqual({ t: 'assigned' });
    for (const junk of ['not json', 'null', '42', '"t"', '{}', new ArrayBuffer(2)])
      expect(parseFrame(junk)).toBeNull();
  });
});
