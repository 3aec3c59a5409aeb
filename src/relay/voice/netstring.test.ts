import { describe, expect, it } from 'vitest';
import { encodeNetstring, NetstringDecoder } from './netstring';

describe('netstrings', () => {
  it('decodes frames split anywhere and several in one chunk', () => {
    const bytes = Buffer.concat([encodeNetstring('{"a":1}'), encodeNetstring('中文'), encodeNetstring('')]);
    const d = new NetstringDecoder(100);
    const out = [];
    for (const b of bytes) out.push(...d.push(Buffer.from([b])));
    expect(out).toEqual([{ frame: '{"a":1}' }, { frame: '中文' }, { frame: '' }]);
    expect(new NetstringDecoder(100).push(bytes)).toEqual(out);
  });

  it('skips a frame over the limit, a bad length and a missing comma, and keeps the next one', () => {
    const d = new NetstringDecoder(8);
    const evs = d.push(Buffer.from(`20:${'x'.repeat(20)},x9:abc,2:ok,3:abcd,4:good,`));
    expect(evs.filter((e) => 'frame' in e)).toContainEqual({ frame: 'good' });
    expect(evs.some((e) => 'error' in e)).toBe(true);
  });
});
