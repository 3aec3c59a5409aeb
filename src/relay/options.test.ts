import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { parseStoreOption, redactPassword, RelayOptionsError, resolveOptions } from './options';

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

describe('relay/options --store', () => {
  it('defaults to SQLite in the data directory and reads sqlite:PATH and postgres:// strings', () => {
    expect(parseStoreOption(undefined, '/d')).toEqual({ kind: 'sqlite', file: '/d/relay.db' });
    expect(parseStoreOption('sqlite:/srv/sb/relay.db', '/d')).toEqual({
      kind: 'sqlite',
      file: '/srv/sb/relay.db',
    });
    expect(parseStoreOption('sqlite:///srv/x.db', '/d')).toEqual({ kind: 'sqlite', file: '/srv/x.db' });
    expect(parseStoreOption('sqlite:rel.db', '/d')).toEqual({ kind: 'sqlite', file: resolve('rel.db') });
    const url = 'postgres://sb:pw@db.internal:5432/switchboard';
    expect(parseStoreOption(url, '/d')).toEqual({ kind: 'postgres', url });
    expect(parseStoreOption('postgresql://db/sb?sslmode=require', '/d').kind).toBe('postgres');
    expect(resolveOptions({ dataDir: '/d' }).store).toEqual({ kind: 'sqlite', file: '/d/relay.db' });
  });

  it('refuses values it cannot use with a sentence that says what fits, never echoing a password', () => {
    const bad: [string, RegExp][] = [
      ['mysql://root:hunter2@db/x', /must be sqlite:PATH or postgres:\/\//],
      ['relay.db', /must be sqlite:PATH or postgres:\/\//],
      ['sqlite:', /give the database file/],
      ['sqlite:/var/lib/', /give the database file/],
      ['postgres://u:hunter2@db.internal:5432', /names no database/],
      ['postgres://u:hunter2@db.internal:notaport/x', /not a connection string/],
    ];
    for (const [value, msg] of bad) {
      expect(() => parseStoreOption(value, '/d')).toThrow(RelayOptionsError);
      expect(() => parseStoreOption(value, '/d')).toThrow(msg);
      try {
        parseStoreOption(value, '/d');
      } catch (err) {
        expect((err as Error).message).not.toContain('hunter2');
      }
    }
    expect(redactPassword('postgres://u:hunter2@h/db')).toBe('postgres://u:***@h/db');
  });
});
