import { describe, expect, it } from 'vitest';
import { DEFAULT_RECORDING_POLICY, recordingPolicySchema } from '../../../shared/recording';
import {
  DEFAULT_QUEUE_ROUTING,
  agentRoutingSchema,
  queueRoutingSchema,
  teamRoutingSchema,
} from '../../../shared/routing';
import {
  awayGraceFormOf,
  agentFormOf,
  agentRoutingOfForm,
  parseSkills,
  queueFormOf,
  queueRoutingOfForm,
  recordingFormOf,
  recordingPolicyOf,
  teamRoutingOfForm,
} from './teamSettingsForm';

const INBOX = '0190f5b4-7f1c-7c5e-9a59-4b9f3f0c2a11';

describe('renderer/supervisor/teamSettingsForm', () => {
  it('round-trips a recording policy through the form', () => {
    const policy = {
      enabled: true,
      consentText: '本通话将被录音。',
      playbackRoles: ['supervisor', 'admin'] as ('supervisor' | 'admin')[],
      retentionDays: 90,
    };
    expect(recordingPolicyOf(recordingFormOf(policy))).toEqual({ ok: true, value: policy });
  });

  it('keeps recordings without retention when "keep" is chosen, and admins may always play', () => {
    const form = {
      ...recordingFormOf(DEFAULT_RECORDING_POLICY),
      supervisorsMayPlay: false,
      agentsMayPlay: true,
    };
    const r = recordingPolicyOf(form);
    expect(r.ok && r.value).toEqual({
      enabled: false,
      consentText: DEFAULT_RECORDING_POLICY.consentText,
      playbackRoles: ['agent', 'admin'],
    });
    expect(recordingPolicySchema.safeParse(r.ok && r.value).success).toBe(true);
  });

  it('names the fields to fix in a recording form', () => {
    const form = {
      ...recordingFormOf(DEFAULT_RECORDING_POLICY),
      consentText: '  ',
      keep: false,
      retentionDays: '0',
    };
    const r = recordingPolicyOf(form);
    expect(r.ok ? [] : r.problems.map((p) => [p.field, p.key])).toEqual([
      ['consentText', 'consentRequired'],
      ['retentionDays', 'retentionRange'],
    ]);
  });

  it('turns a queue form in seconds into routing in milliseconds, and back', () => {
    const routing = {
      strategy: 'skills' as const,
      requiredSkills: ['lang:zh', 'product:billing'],
      offerTimeoutMs: 45_000,
      overflow: { afterMs: 300_000, toInboxId: INBOX },
    };
    const form = queueFormOf(routing);
    expect(form).toMatchObject({ requiredSkills: 'lang:zh, product:billing', offerTimeoutSeconds: '45' });
    expect(queueRoutingOfForm(form)).toEqual({ ok: true, value: routing });
    const off = queueRoutingOfForm({ ...queueFormOf(DEFAULT_QUEUE_ROUTING), overflow: false });
    expect(off).toEqual({ ok: true, value: DEFAULT_QUEUE_ROUTING });
    expect(queueRoutingSchema.safeParse(off.ok && off.value).success).toBe(true);
  });

  it('asks for an overflow target and times within the limits', () => {
    const r = queueRoutingOfForm({
      ...queueFormOf(DEFAULT_QUEUE_ROUTING),
      offerTimeoutSeconds: '2',
      overflow: true,
      overflowAfterSeconds: '1.5',
    });
    expect(r.ok ? [] : r.problems.map((p) => p.key)).toEqual([
      'offerTimeoutRange',
      'overflowAfterRange',
      'overflowTarget',
    ]);
  });

  it("turns an agent form into skills and every kind of work's capacity", () => {
    const form = { ...agentFormOf({ skills: ['lang:en'], capacity: { call: 1, chat: 5, email: 10 } }) };
    const r = agentRoutingOfForm({ ...form, skills: 'lang:en，lang:zh\nlang:en', chat: '3' });
    expect(r).toEqual({
      ok: true,
      value: { skills: ['lang:en', 'lang:zh'], capacity: { call: 1, chat: 3, email: 10 } },
    });
    expect(agentRoutingSchema.safeParse(r.ok && r.value).success).toBe(true);
    const bad = agentRoutingOfForm({ ...form, call: '11', email: '-1' });
    expect(bad.ok ? [] : bad.problems.map((p) => [p.field, p.params?.['max']])).toEqual([
      ['call', 10],
      ['email', 200],
    ]);
  });

  it('reads skills separated by commas or lines, each once', () => {
    expect(parseSkills(' a, b ,,\nc, a ')).toEqual(['a', 'b', 'c']);
  });

  it('turns the connection-drop grace in seconds into what the relay takes, within its bounds', () => {
    expect(awayGraceFormOf({ awayGraceMs: 180_000 })).toEqual({ seconds: '180' });
    const r = teamRoutingOfForm({ seconds: ' 240 ' });
    expect(r).toEqual({ ok: true, value: { awayGraceMs: 240_000 } });
    expect(teamRoutingSchema.safeParse(r.ok && r.value).success).toBe(true);
    for (const seconds of ['29', '3601', '1.5', '', 'soon']) {
      const bad = teamRoutingOfForm({ seconds });
      expect(bad.ok ? null : bad.problems, seconds).toEqual([
        { field: 'seconds', key: 'awayGraceRange', params: { min: 30, max: 3600 } },
      ]);
    }
  });
});
