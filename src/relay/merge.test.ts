import { describe, expect, it } from 'vitest';
import { encodeHlc } from '../shared/sync/hlc';
import { canonicalJson, mergeFields } from './merge';

const t = (wall: number, node = 'dev-a') => encodeHlc({ wall, counter: 0, node });

describe('relay/merge', () => {
  it('keeps the later clock per field and reports the loser', () => {
    const current = { data: { name: 'Ann', company: 'Old' }, clocks: { name: t(200), company: t(100) } };
    const r = mergeFields(current, { name: 'Anna', company: 'New' }, t(150));
    expect(r.data).toEqual({ name: 'Ann', company: 'New' });
    expect(r.clocks).toEqual({ name: t(200), company: t(150) });
    expect(r.outcomes).toEqual([
      { field: 'name', value: 'Anna', outcome: 'lost' },
      { field: 'company', value: 'New', outcome: 'won' },
    ]);
    expect(r.changed).toBe(true);
  });
  it('breaks equal wall times by counter, then node id', () => {
    const a = encodeHlc({ wall: 5, counter: 1, node: 'a' });
    const b = encodeHlc({ wall: 5, counter: 1, node: 'b' });
    const r = mergeFields({ data: { x: 1 }, clocks: { x: a } }, { x: 2 }, b);
    expect(r.data['x']).toBe(2);
    const back = mergeFields({ data: { x: 2 }, clocks: { x: b } }, { x: 1 }, a);
    expect(back.changed).toBe(false);
  });
  it('hashes equal content equally regardless of key order', () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: 1 }] })).toBe(canonicalJson({ a: [{ x: 1, y: 2 }], b: 1 }));
  });
});
