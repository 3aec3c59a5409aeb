import { describe, expect, it } from 'vitest';
import { RelayOptionsError, resolveOptions } from './options';

const tls = { cert: 'cert', key: 'key' };

describe('relay/options', () => {
  it('refuses plain HTTP on a non-loopback address unless insecureHttp is set', () => {
    for (const host of ['0.0.0.0', '::', '10.0.0.5', 'relay.example.com']) {
      expect(() => resolveOptions({ dataDir: '/x', host })).toThrow(RelayOptionsError);
      expect(() => resolveOptions({ dataDir: '/x', host })).toThrow(/--insecure-http/);
      expect(resolveOptions({ dataDir: '/x', host, tls }).host).toBe(host);
      expect(resolveOptions({ dataDir: '/x', host, insecureHttp: true }).insecureHttp).toBe(true);
    }
    for (const host of ['127.0.0.1', '127.0.0.2', '::1', 'localhost'])
      expect(resolveOptions({ dataDir: '/x', host }).insecureHttp).toBe(false);
  });

  it('wants a metrics token long enough not to be guessed', () => {
    expect(() => resolveOptions({ dataDir: '/x', metricsToken: 'short' })).toThrow(/16 characters/);
    expect(resolveOptions({ dataDir: '/x', metricsToken: 'a'.repeat(16) }).metricsToken).toBe('a'.repeat(16));
    expect(resolveOptions({ dataDir: '/x' }).metricsToken).toBeUndefined();
  });
});
