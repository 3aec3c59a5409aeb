import { describe, expect, it } from 'vitest';
import type { SlaPolicy } from '../../../shared/sla/policy';
import { slaFormOf, slaPolicyOfForm } from './slaForm';

const policy: SlaPolicy = {
  firstResponseMinutes: 60,
  resolutionMinutes: 480,
  timeZone: 'Asia/Shanghai',
  hours: [
    { day: 1, from: '09:00', to: '12:00' },
    { day: 1, from: '13:00', to: '18:00' },
    { day: 5, from: '09:00', to: '24:00' },
  ],
  holidays: ['2026-10-01', '2026-02-17'],
};

describe('supervisor/slaForm', () => {
  it('round-trips a stored policy through the form (holidays sorted)', () => {
    const f = slaFormOf(policy, 'UTC');
    expect(f.hours[1]).toBe('09:00-12:00, 13:00-18:00');
    expect(f.hours[0]).toBe('');
    expect(slaPolicyOfForm(f)).toEqual({
      ok: true,
      value: { ...policy, holidays: ['2026-02-17', '2026-10-01'] },
    });
  });

  it('starts new inboxes off, with office hours in the local zone; off saves no policy', () => {
    const f = slaFormOf(null, 'Europe/Berlin');
    expect(f).toMatchObject({ enabled: false, timeZone: 'Europe/Berlin', firstResponseMinutes: '60' });
    expect(slaPolicyOfForm(f)).toEqual({ ok: true, value: null });
    const on = slaPolicyOfForm({ ...f, enabled: true });
    expect(on.ok && on.value?.hours?.length).toBe(5);
  });

  it('names each problem: a bad target, zone, opening or date', () => {
    const f = { ...slaFormOf(policy, 'UTC'), firstResponseMinutes: '0', timeZone: 'Nowhere/City' };
    f.hours = f.hours.map((h, i) => (i === 2 ? '18:00-09:00' : h));
    f.holidays = '2026-02-30';
    const r = slaPolicyOfForm(f);
    expect(r.ok ? [] : r.problems.map((p) => `${p.field} ${p.key}`)).toEqual([
      'firstResponseMinutes slaTargetRange',
      'timeZone slaTimeZone',
      'hours.2 slaHours',
      'holidays slaHolidays',
    ]);
    const none = slaPolicyOfForm({
      ...slaFormOf(policy, 'UTC'),
      firstResponseMinutes: '',
      resolutionMinutes: '',
    });
    expect(none.ok ? [] : none.problems.map((p) => p.key)).toEqual(['slaNeedsTarget']);
  });
});
