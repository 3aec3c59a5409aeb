import { describe, expect, it } from 'vitest';
import { breachesAt, duesOnAgentReply, duesOnCustomerMessage, duesOnResolve } from './dues';
import { slaPolicySchema, type SlaPolicy } from './policy';

const policy: SlaPolicy = {
  firstResponseMinutes: 60,
  resolutionMinutes: 8 * 60,
  timeZone: 'UTC',
  hours: null,
  holidays: [],
};
const T = Date.parse('2026-03-03T08:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe('shared/sla/dues', () => {
  it('a new conversation owes a first response and a resolution; slaDueAt is the earlier', () => {
    expect(duesOnCustomerMessage(null, policy, T)).toEqual({
      slaFirstResponseDueAt: iso(T + 3_600_000),
      slaResolutionDueAt: iso(T + 8 * 3_600_000),
      slaDueAt: iso(T + 3_600_000),
    });
    expect(duesOnCustomerMessage(null, null, T)).toEqual({
      slaDueAt: null,
      slaFirstResponseDueAt: null,
      slaResolutionDueAt: null,
    });
  });

  it('a second message before any reply keeps the due time; one after a reply starts it again', () => {
    const first = duesOnCustomerMessage(null, policy, T)!;
    const conv = { status: 'open', ...first };
    expect(duesOnCustomerMessage(conv, policy, T + 600_000)).toEqual(first);
    const answered = { ...conv, ...duesOnAgentReply(conv) };
    expect(answered.slaFirstResponseDueAt).toBeNull();
    expect(answered.slaDueAt).toBe(first.slaResolutionDueAt);
    const again = duesOnCustomerMessage(answered, policy, T + 7_200_000)!;
    expect(again.slaFirstResponseDueAt).toBe(iso(T + 3 * 3_600_000));
    expect(again.slaResolutionDueAt).toBe(first.slaResolutionDueAt);
  });

  it('a resolve clears every due time; a customer writing again starts both clocks anew', () => {
    const conv = { status: 'open', ...duesOnCustomerMessage(null, policy, T) };
    const resolved = { ...conv, status: 'resolved', ...duesOnResolve(conv) };
    expect([resolved.slaDueAt, resolved.slaFirstResponseDueAt, resolved.slaResolutionDueAt]).toEqual([
      null,
      null,
      null,
    ]);
    expect(duesOnResolve(resolved)).toBeNull();
    const later = T + 86_400_000;
    expect(duesOnCustomerMessage(resolved, policy, later)?.slaResolutionDueAt).toBe(
      iso(later + 8 * 3_600_000),
    );
  });

  it('marks each passed due time once, and counts them', () => {
    const conv: Record<string, unknown> = { status: 'open', ...duesOnCustomerMessage(null, policy, T) };
    expect(breachesAt(conv, T + 3_599_999)).toEqual([]);
    const [b] = breachesAt(conv, T + 3_600_000);
    expect(b).toEqual({
      kind: 'firstResponse',
      fields: { slaFirstResponseBreachedAt: iso(T + 3_600_000), slaFirstResponseBreaches: 1 },
    });
    Object.assign(conv, b!.fields);
    expect(breachesAt(conv, T + 3_700_000)).toEqual([]);
    expect(breachesAt({ ...conv, status: 'resolved' }, T + 9 * 3_600_000)).toEqual([]);
  });

  it('refuses a policy with a bad zone, overlapping openings or an opening that closes first', () => {
    expect(slaPolicySchema.safeParse(policy).success).toBe(true);
    expect(slaPolicySchema.safeParse({ ...policy, timeZone: 'Mars/Olympus' }).success).toBe(false);
    const hours = [
      { day: 1, from: '09:00', to: '12:00' },
      { day: 1, from: '11:00', to: '17:00' },
    ];
    expect(slaPolicySchema.safeParse({ ...policy, hours }).success).toBe(false);
    expect(
      slaPolicySchema.safeParse({ ...policy, hours: [{ day: 1, from: '17:00', to: '09:00' }] }).success,
    ).toBe(false);
    expect(
      slaPolicySchema.safeParse({ ...policy, hours: [{ day: 1, from: '09:00', to: '24:00' }] }).success,
    ).toBe(true);
    expect(slaPolicySchema.safeParse({ ...policy, holidays: ['2026-13-40'] }).success).toBe(false);
    expect(slaPolicySchema.safeParse({ ...policy, holidays: ['2026-02-30'] }).success).toBe(false);
  });
});
