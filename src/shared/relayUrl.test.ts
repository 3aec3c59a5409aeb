import { describe, expect, it } from 'vitest';
import { isLoopbackHost, relayUrlProblem, relayUrlSchema } from './relayUrl';

describe('shared/relayUrl', () => {
  it('accepts https anywhere and http only for a relay on this computer', () => {
    for (const url of [
      'https://relay.example.com',
      'https://10.0.0.5:8443',
      'wss://relay.example.com/v1/sync',
      'http://127.0.0.1:8787',
      'http://127.1.2.3',
      'http://localhost:8787',
      'http://LOCALHOST',
      'http://[::1]:8787',
      'ws://127.0.0.1:8787/v1/sync',
    ])
      expect([url, relayUrlProblem(url)]).toEqual([url, null]);
  });

  it('refuses clear text to another machine, however the address is spelled', () => {
    for (const url of [
      'http://relay.example.com',
      'http://10.0.0.5:8787',
      'http://0.0.0.0:8787',
      'http://[::]:8787',
      'http://127.0.0.1.nip.io',
      'http://localhost.example.com',
      'ws://relay.example.com/v1/sync',
    ])
      expect([url, relayUrlProblem(url)]).toEqual([url, 'insecure']);
    expect(relayUrlProblem('ftp://relay.example.com')).toBe('scheme');
    expect(relayUrlProblem('relay.example.com')).toBe('invalid');
  });

  it('explains the refusal at the API boundary', () => {
    const r = relayUrlSchema.safeParse('http://192.0.2.7:8787');
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/https:\/\/.*unencrypted|unencrypted.*https:\/\//);
  });

  it('knows loopback listen addresses', () => {
    for (const h of ['127.0.0.1', '127.255.0.9', '::1', '[::1]', '0:0:0:0:0:0:0:1', 'localhost'])
      expect([h, isLoopbackHost(h)]).toEqual([h, true]);
    for (const h of ['0.0.0.0', '::', '10.1.2.3', 'example.com', '128.0.0.1', '', 'a b'])
      expect([h, isLoopbackHost(h)]).toEqual([h, false]);
  });
});
