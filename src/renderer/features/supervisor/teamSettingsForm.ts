import type { RecordingPolicy } from '../../../shared/recording';
import {
  AWAY_GRACE_LIMITS,
  ROUTING_LIMITS,
  WORK_KINDS,
  type AgentRouting,
  type QueueRouting,
  type Strategy,
  type TeamRouting,
  type WorkKind,
} from '../../../shared/routing';
import type { Role } from '../../../shared/sync/entities';

// What the team settings forms hold (strings as typed) and how they become the settings the relay
// takes. Problems name the field and an i18n key under `teamSettings.problems` with its values.

export type Problem = { field: string; key: string; params?: Record<string, number> };
export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

const CONSENT_MAX = 500;
const RETENTION = { min: 1, max: 3650 };

export type RecordingForm = {
  enabled: boolean;
  consentText: string;
  supervisorsMayPlay: boolean;
  agentsMayPlay: boolean;
  /** Keep recordings until deleted by hand (no retention). */
  keep: boolean;
  retentionDays: string;
};

export function recordingFormOf(p: RecordingPolicy): RecordingForm {
  return {
    enabled: p.enabled,
    consentText: p.consentText,
    supervisorsMayPlay: p.playbackRoles.includes('supervisor'),
    agentsMayPlay: p.playbackRoles.includes('agent'),
    keep: p.retentionDays === undefined,
    retentionDays: p.retentionDays === undefined ? '90' : String(p.retentionDays),
  };
}

/** The policy a recording form describes; admins may always play, so they are always listed. */
export function recordingPolicyOf(f: RecordingForm): Parsed<RecordingPolicy> {
  const problems: Problem[] = [];
  const consentText = f.consentText.trim();
  if (!consentText) problems.push({ field: 'consentText', key: 'consentRequired' });
  else if (consentText.length > CONSENT_MAX)
    problems.push({ field: 'consentText', key: 'consentTooLong', params: { max: CONSENT_MAX } });
  const days = f.keep ? undefined : wholeNumber(f.retentionDays, RETENTION.min, RETENTION.max);
  if (days === null) problems.push({ field: 'retentionDays', key: 'retentionRange', params: RETENTION });
  if (problems.length || days === null) return { ok: false, problems };
  const playbackRoles: Role[] = [
    ...(f.supervisorsMayPlay ? (['supervisor'] as const) : []),
    ...(f.agentsMayPlay ? (['agent'] as const) : []),
    'admin',
  ];
  return {
    ok: true,
    value: {
      enabled: f.enabled,
      consentText,
      playbackRoles,
      ...(days === undefined ? {} : { retentionDays: days }),
    },
  };
}

export type QueueForm = {
  strategy: Strategy;
  requiredSkills: string;
  offerTimeoutSeconds: string;
  overflow: boolean;
  overflowAfterSeconds: string;
  overflowToInboxId: string;
};

export function queueFormOf(r: QueueRouting): QueueForm {
  return {
    strategy: r.strategy,
    requiredSkills: r.requiredSkills.join(', '),
    offerTimeoutSeconds: String(r.offerTimeoutMs / 1000),
    overflow: r.overflow !== null,
    overflowAfterSeconds: String((r.overflow?.afterMs ?? 120_000) / 1000),
    overflowToInboxId: r.overflow?.toInboxId ?? '',
  };
}

const seconds = (r: { min: number; max: number }) => ({ min: r.min / 1000, max: r.max / 1000 });

/** The queue routing a queue form describes (seconds in the form, milliseconds on the relay). */
export function queueRoutingOfForm(f: QueueForm): Parsed<QueueRouting> {
  const problems: Problem[] = [];
  const skills = skillList(f.requiredSkills, 'requiredSkills', ROUTING_LIMITS.queueSkills, problems);
  const offerLimits = seconds(ROUTING_LIMITS.offerTimeoutMs);
  const offer = wholeNumber(f.offerTimeoutSeconds, offerLimits.min, offerLimits.max);
  if (offer === null) problems.push({ field: 'offerTimeout', key: 'offerTimeoutRange', params: offerLimits });
  let overflow: QueueRouting['overflow'] = null;
  if (f.overflow) {
    const afterLimits = seconds(ROUTING_LIMITS.overflowAfterMs);
    const after = wholeNumber(f.overflowAfterSeconds, afterLimits.min, afterLimits.max);
    if (after === null)
      problems.push({ field: 'overflowAfter', key: 'overflowAfterRange', params: afterLimits });
    if (!f.overflowToInboxId) problems.push({ field: 'overflowTo', key: 'overflowTarget' });
    if (after !== null && f.overflowToInboxId)
      overflow = { afterMs: after * 1000, toInboxId: f.overflowToInboxId };
  }
  if (problems.length || offer === null) return { ok: false, problems };
  return {
    ok: true,
    value: { strategy: f.strategy, requiredSkills: skills, offerTimeoutMs: offer * 1000, overflow },
  };
}

export type AwayGraceForm = { seconds: string };

export function awayGraceFormOf(r: TeamRouting): AwayGraceForm {
  return { seconds: String(r.awayGraceMs / 1000) };
}

/** The team routing an away-grace form describes (seconds in the form, milliseconds on the relay). */
export function teamRoutingOfForm(f: AwayGraceForm): Parsed<TeamRouting> {
  const limits = { min: AWAY_GRACE_LIMITS.minMs / 1000, max: AWAY_GRACE_LIMITS.maxMs / 1000 };
  const n = wholeNumber(f.seconds, limits.min, limits.max);
  if (n === null)
    return { ok: false, problems: [{ field: 'seconds', key: 'awayGraceRange', params: limits }] };
  return { ok: true, value: { awayGraceMs: n * 1000 } };
}

export type AgentForm = { skills: string } & Record<WorkKind, string>;

export function agentFormOf(a: { skills: string[]; capacity: Record<WorkKind, number> }): AgentForm {
  return {
    skills: a.skills.join(', '),
    call: String(a.capacity.call),
    chat: String(a.capacity.chat),
    email: String(a.capacity.email),
  };
}

/** The skills and capacity an agent form describes (every kind of work named). */
export function agentRoutingOfForm(f: AgentForm): Parsed<Required<AgentRouting>> {
  const problems: Problem[] = [];
  const skills = skillList(f.skills, 'skills', ROUTING_LIMITS.agentSkills, problems);
  const capacity: Partial<Record<WorkKind, number>> = {};
  for (const kind of WORK_KINDS) {
    const max = ROUTING_LIMITS.capacity[kind];
    const n = wholeNumber(f[kind], 0, max);
    if (n === null) problems.push({ field: kind, key: 'capacityRange', params: { min: 0, max } });
    else capacity[kind] = n;
  }
  if (problems.length) return { ok: false, problems };
  return { ok: true, value: { skills, capacity } };
}

/** Skills as typed: separated by commas or new lines, trimmed, each once. */
export function parseSkills(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[,，\n]/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
}

function skillList(text: string, field: string, max: number, problems: Problem[]): string[] {
  const skills = parseSkills(text);
  if (skills.length > max) problems.push({ field, key: 'tooManySkills', params: { max } });
  if (skills.some((s) => s.length > ROUTING_LIMITS.skill))
    problems.push({ field, key: 'skillTooLong', params: { max: ROUTING_LIMITS.skill } });
  return skills;
}

/** A whole number within [min, max] as typed, or null. */
function wholeNumber(text: string, min: number, max: number): number | null {
  const t = text.trim();
  if (!/^\d{1,9}$/.test(t)) return null;
  const n = Number(t);
  return n >= min && n <= max ? n : null;
}
