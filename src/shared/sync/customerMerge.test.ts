import { describe, expect, it } from 'vitest';
import { emptyCustomerFields, type CustomerData } from './entities';
import { CustomerMergeError, planMerge, planUnmerge } from './customerMerge';

const customer = (name: string, extra: Partial<CustomerData> = {}): CustomerData => ({
  name,
  ...emptyCustomerFields(),
  createdAt: '2026-01-01T00:00:00.000Z',
  ...extra,
});
const S = '0190a000-0000-7000-8000-00000000000a';
const T = '0190a000-0000-7000-8000-00000000000b';

function apply(c: CustomerData, w: Partial<CustomerData>): CustomerData {
  return { ...c, ...w };
}

describe('shared/sync/customerMerge', () => {
  it('moves identities, fills only empty fields, and an undo restores both profiles exactly', () => {
    const source = customer('Visitor', {
      phones: ['+8613812345678', '+14155550123'],
      emails: ['a@example.cn'],
      company: 'Fang Trading',
      address: 'Shanghai',
      identities: [{ kind: 'webchat', value: 'v1' }],
      customFields: { plan: 'gold', tier: '1' },
    });
    const target = customer('Wang Fang', {
      phones: ['+14155550123'],
      address: 'Beijing',
      customFields: { tier: '2' },
    });
    const plan = planMerge({
      sourceId: S,
      source,
      targetId: T,
      target,
      at: 'now',
      by: null,
      conversations: ['c1'],
    });
    const t1 = apply(target, plan.target);
    const s1 = apply(source, plan.source);
    expect(t1.phones).toEqual(['+14155550123', '+8613812345678']);
    expect(t1.address).toBe('Beijing');
    expect(t1.company).toBe('Fang Trading');
    expect(t1.customFields).toEqual({ tier: '2', plan: 'gold' });
    expect(s1).toMatchObject({ phones: [], emails: [], identities: [], mergedInto: T });
    expect(plan.merge.conversations).toEqual(['c1']);

    const undo = planUnmerge({ source: s1, target: t1 });
    expect(apply(t1, undo.target)).toEqual(target);
    expect(apply(s1, undo.source)).toEqual({ ...source, mergedInto: null, merge: null });
  });

  it('keeps an edit made to the target after the merge when undoing', () => {
    const source = customer('Visitor', { company: 'Fang Trading', customFields: { plan: 'gold' } });
    const target = customer('Wang Fang');
    const plan = planMerge({
      sourceId: S,
      source,
      targetId: T,
      target,
      at: 'now',
      by: null,
      conversations: [],
    });
    const edited = {
      ...apply(target, plan.target),
      company: 'Fang Group',
      customFields: { plan: 'platinum' },
    };
    const undo = planUnmerge({ source: apply(source, plan.source), target: edited });
    expect(undo.target.company).toBeUndefined();
    expect(undo.target.customFields).toBeUndefined();
  });

  it('refuses self-merges, merged sources and merged targets, and undoing what is not merged', () => {
    const a = customer('A');
    const merged = customer('B', { mergedInto: T });
    const reason = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return err instanceof CustomerMergeError ? err.reason : 'other';
      }
      return 'none';
    };
    const base = { at: 'now', by: null, conversations: [] };
    expect(reason(() => planMerge({ ...base, sourceId: S, source: a, targetId: S, target: a }))).toBe('same');
    expect(reason(() => planMerge({ ...base, sourceId: S, source: merged, targetId: T, target: a }))).toBe(
      'sourceMerged',
    );
    expect(reason(() => planMerge({ ...base, sourceId: S, source: a, targetId: T, target: merged }))).toBe(
      'targetMerged',
    );
    expect(reason(() => planUnmerge({ source: a, target: null }))).toBe('notMerged');
  });

  it('refuses to merge a customer with contacts into a profile nobody verified, and allows the reverse', () => {
    const visitor = customer('Visitor');
    const real = customer('Wang Fang', { emails: ['wang@example.cn'] });
    const base = { at: 'now', by: null, conversations: [] };
    expect(() => planMerge({ ...base, sourceId: S, source: real, targetId: T, target: visitor })).toThrow(
      /merge Visitor into Wang Fang instead/,
    );
    expect(
      planMerge({ ...base, sourceId: T, source: visitor, targetId: S, target: real }).source,
    ).toMatchObject({ mergedInto: S });
    // Two profiles without contacts (two unverified visits): nothing is proved either way.
    expect(
      planMerge({ ...base, sourceId: S, source: customer('V1'), targetId: T, target: visitor }).merge,
    ).toBeTruthy();
  });
});
