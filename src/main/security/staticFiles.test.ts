import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mimeType, resolveStaticPath } from './staticFiles';

const root = resolve('/srv/app');

describe('main/security/staticFiles', () => {
  it('maps paths inside the root', () => {
    expect(resolveStaticPath(root, '/')).toBe(join(root, 'index.html'));
    expect(resolveStaticPath(root, '/settings')).toBe(join(root, 'index.html'));
    expect(resolveStaticPath(root, '/assets/index-1.js?v=2')).toBe(join(root, 'assets', 'index-1.js'));
  });

  it('refuses to leave the root', () => {
    for (const p of [
      '/../etc/passwd',
      '/assets/../../etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/a%00.js',
      '/..%5c..%5cwin.ini',
      '/%E0%A4%A',
    ]) {
      const r = resolveStaticPath(root, p);
      expect(r === null || r.startsWith(root + '/'), p).toBe(true);
      expect(r ?? '', p).not.toContain('passwd');
    }
  });

  it('serves known types and opaque bytes otherwise', () => {
    expect(mimeType('a.js')).toMatch(/javascript/);
    expect(mimeType('a.html')).toMatch(/text\/html/);
    expect(mimeType('a.exe')).toBe('application/octet-stream');
  });
});
