import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CANONICAL_MAX_DEPTH, canonicalJson } from './canonicalJson';
import { encodeHlc } from './hlc';
import { mergeFields, type FieldState } from './merge';
import { RELAY_ERR } from './protocol';

const t = (wall: number, node = 'dev-a') => encodeHlc({ wall, counter: 0, node });

describe('shared/sync/merge', () => {
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

  it('on equal clocks keeps the greater canonical value, whichever side holds it', () => {
    const c = t(100);
    // The incoming value is greater: it wins.
    const up = mergeFields({ data: { company: 'Acme' }, clocks: { company: c } }, { company: 'Zeta' }, c);
    expect(up.data['company']).toBe('Zeta');
    expect(up.outcomes).toEqual([{ field: 'company', value: 'Zeta', outcome: 'won' }]);
    // The held value is greater: it stays, and the incoming one lost.
    const down = mergeFields({ data: { company: 'Zeta' }, clocks: { company: c } }, { company: 'Acme' }, c);
    expect(down.data['company']).toBe('Zeta');
    expect(down.changed).toBe(false);
    expect(down.outcomes).toEqual([{ field: 'company', value: 'Acme', outcome: 'lost' }]);
    // The very write in place: nothing changes and it is no outcome.
    const same = mergeFields({ data: { company: 'Zeta' }, clocks: { company: c } }, { company: 'Zeta' }, c);
    expect(same.changed).toBe(false);
    expect(same.outcomes).toEqual([]);
  });

  it('gives the same record whatever order the same writes arrive in, equal clocks included', () => {
    const value = fc.oneof(fc.string({ maxLength: 3 }), fc.integer({ min: -2, max: 2 }), fc.constant(null));
    const write = fc.record({
      // Few walls and nodes, so equal clocks are common.
      clock: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.constantFrom('a', 'b')).map(([w, n]) => t(w, n)),
      fields: fc.dictionary(fc.constantFrom('name', 'company', 'tags'), value, { maxKeys: 3 }),
    });
    fc.assert(
      fc.property(fc.array(write, { maxLength: 8 }), fc.context(), (writes, ctx) => {
        const apply = (ws: typeof writes) =>
          ws.reduce<FieldState | null>((s, w) => {
            const { data, clocks } = mergeFields(s, w.fields, w.clock);
            return { data, clocks };
          }, null);
        const forward = apply(writes);
        const backward = apply([...writes].reverse());
        ctx.log(JSON.stringify(writes));
        expect(canonicalJson(backward)).toBe(canonicalJson(forward));
      }),
      { numRuns: 300 },
    );
  });
});

describe('shared/sync/canonicalJson', () => {
  it('gives equal content equal text regardless of key order', () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: 1 }] })).toBe(canonicalJson({ a: [{ x: 1, y: 2 }], b: 1 }));
    expect(canonicalJson({ b: undefined, a: [undefined] })).toBe('{"a":[null]}');
  });

  it('refuses a value nested past its depth guard with RELAY_ERR_TOO_DEEP instead of overflowing', () => {
    let deep: unknown = 1;
    for (let i = 0; i <= CANONICAL_MAX_DEPTH + 1; i++) deep = [deep];
    expect(() => canonicalJson(deep)).toThrow(expect.objectContaining({ code: RELAY_ERR.TOO_DEEP }));
  });
});
