import { describe, expect, it } from 'vitest';
import { decodeParam, parseTarget } from './requestTarget';

describe('relay/http/requestTarget', () => {
  it('reads a path and query without resolving `//` as another host', () => {
    expect(parseTarget('//').path).toBe('//');
    expect(parseTarget('//evil.example/v1/sync').path).toBe('//evil.example/v1/sync');
    const t = parseTarget('/v1/widget/socket?token=a%20b&since=x#frag');
    expect(t.path).toBe('/v1/widget/socket');
    expect(t.query.get('token')).toBe('a b');
    expect(t.query.get('since')).toBe('x');
  });

  it('keeps only the path of an absolute-form target', () => {
    expect(parseTarget('http://relay.example:8787/healthz?x=1').path).toBe('/healthz');
    expect(parseTarget('http://relay.example').path).toBe('/');
  });

  it('refuses targets that are not paths and escapes that do not decode, as RELAY_ERR_BAD_REQUEST', () => {
    for (const raw of ['*', 'relay.example:443', '/updates/stable/%E0%A4%A', '/v1/recordings/%zz', '/%E0'])
      expect(() => parseTarget(raw), raw).toThrow(expect.objectContaining({ code: 'RELAY_ERR_BAD_REQUEST' }));
    // A query value keeps a malformed escape as typed, as browsers do.
    expect(parseTarget('/x?a=%zz').query.get('a')).toBe('%zz');
  });

  it('decodes a segment, and refuses one that does not decode', () => {
    expect(decodeParam('a%2Fb%20c')).toBe('a/b c');
    expect(() => decodeParam('%E0')).toThrow(expect.objectContaining({ httpStatus: 400 }));
  });
});
