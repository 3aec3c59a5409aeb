import { z } from 'zod';
import { ROLES } from './sync/entities';
import { UUID_RE } from './sync/ids';

/** Formats a call recording may be uploaded in (what Chromium's MediaRecorder writes for audio). */
export const RECORDING_MIME_TYPES = ['audio/webm', 'audio/ogg'] as const;
export type RecordingMime = (typeof RECORDING_MIME_TYPES)[number];

/**
 * A team's call recording setting, kept on the team record (synced, so the app knows whether to
 * record) and set by an admin or the team's supervisor. Off by default; while on, the agent's
 * screen shows the consent text to announce at the start of each call.
 */
export const recordingPolicySchema = z
  .object({
    enabled: z.boolean(),
    consentText: z.string().trim().min(1).max(500),
    /** Roles that may play the team's recordings (admins always may). */
    playbackRoles: z.array(z.enum(ROLES)).min(1).max(ROLES.length),
    /** Days a recording is kept on the relay, then deleted; absent: kept until deleted by hand. */
    retentionDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict();
export type RecordingPolicy = z.infer<typeof recordingPolicySchema>;

export const DEFAULT_RECORDING_POLICY: RecordingPolicy = {
  enabled: false,
  consentText: 'This call is recorded for quality and training purposes.',
  playbackRoles: ['supervisor', 'admin'],
};

/** The recording of a call, as its call record names it. */
export const callRecordingSchema = z
  .object({
    id: z.string().regex(UUID_RE, 'must be a UUID'),
    mime: z.enum(RECORDING_MIME_TYPES),
    durationMs: z
      .number()
      .int()
      .min(0)
      .max(24 * 3600 * 1000),
    bytes: z.number().int().min(1),
  })
  .strict();
export type CallRecording = z.infer<typeof callRecordingSchema>;

/** May this role play recordings under this policy? Admins always may. */
export function mayPlayRecordings(policy: RecordingPolicy | undefined, role: string): boolean {
  return role === 'admin' || (policy ?? DEFAULT_RECORDING_POLICY).playbackRoles.includes(role as never);
}
