import { z } from 'zod';
import { QUALITY_WARNINGS } from '../callQuality';
import { callRecordingSchema } from '../recording';
import { CHANNELS, CONVERSATION_STATUSES } from './entities';
import { UUID_RE } from './ids';

const id = z.string().regex(UUID_RE, 'must be a UUID');
const text = (max: number) => z.string().max(max);
const mos = z.number().min(1).max(5);

/** The call states an agent's app reports (the relay adds queued, offered, abandoned, callback). */
export const CALL_EVENT_STATES = ['dialing', 'ringing', 'talking', 'held', 'transferred', 'ended'] as const;
export type CallEventState = (typeof CALL_EVENT_STATES)[number];

/** Limits on user text, shared by relay validation and the app's forms. */
export const TEXT_LIMITS = { body: 20_000, name: 200, short: 500 } as const;

/** Labels: at most 64 characters each, at most 50 on one conversation. */
export const LABEL_LIMITS = { length: 64, perConversation: 50 } as const;
// C0 and C1 controls, DEL, and the line and paragraph separators: a label is one line of text.
// eslint-disable-next-line no-control-regex -- matching control characters is the point.
const LABEL_CONTROL_RE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Why `label` is not a valid label, or null when it is (trimmed, 1–64 characters, no control characters). */
export function labelProblem(label: string): string | null {
  if (label.trim() === '') return 'a label cannot be empty.';
  if (label !== label.trim()) return 'a label cannot start or end with spaces.';
  if ([...label].length > LABEL_LIMITS.length)
    return `a label has at most ${LABEL_LIMITS.length} characters.`;
  if (LABEL_CONTROL_RE.test(label)) return 'a label cannot contain control characters or line breaks.';
  return null;
}

const label = z.string().superRefine((v, ctx) => {
  const problem = labelProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

// No `identities`: an identity is what a channel verified (a signed web chat sign-in), so only the
// relay's channels write it; an agent who could set one would route that person's next sign-in
// (and their chat history) to any profile. Merges move identities with the profile.
const customerFields = z
  .object({
    name: text(TEXT_LIMITS.name),
    phones: z.array(text(32)).max(10),
    emails: z.array(z.string().email().max(254)).max(10),
    company: text(TEXT_LIMITS.name),
    address: text(TEXT_LIMITS.short),
    language: text(16),
    customFields: z.record(text(64), text(TEXT_LIMITS.short)),
  })
  .strict();

/**
 * Named mutations an app may send, with their argument schemas. The relay validates, checks
 * permission, and applies each in one transaction keyed by the mutation id.
 */
export const mutationArgs = {
  'customer.create': z
    .object({ id, fields: customerFields.partial().extend({ name: text(TEXT_LIMITS.name).min(1) }) })
    .strict(),
  'customer.update': z
    .object({
      id,
      fields: customerFields.partial().refine((f) => Object.keys(f).length > 0, 'no fields to update'),
    })
    .strict(),
  /**
   * Merges the source profile into the target (the same person): see customerMerge.ts. The relay
   * also moves the source's conversations to the target.
   */
  'customer.merge': z.object({ sourceId: id, targetId: id }).strict(),
  /** Undoes the merge of the source profile into the target (named so an app knows what it touches). */
  'customer.unmerge': z.object({ sourceId: id, targetId: id }).strict(),
  'conversation.create': z
    .object({
      id,
      customerId: id,
      channel: z.enum(CHANNELS),
      subject: text(TEXT_LIMITS.short),
      teamId: id.optional(),
      /**
       * Email only, optional (added later): which of the customer's addresses the conversation
       * writes to (the relay refuses one that is not theirs); absent: their first address.
       */
      to: z.string().email().max(254).optional(),
    })
    .strict(),
  /** Hands a conversation to a colleague (toAgentId) or back to a team's queue (toTeamId). */
  'conversation.transfer': z
    .object({ id, toAgentId: id.optional(), toTeamId: id.optional() })
    .strict()
    .refine(
      (a) => (a.toAgentId === undefined) !== (a.toTeamId === undefined),
      'name toAgentId or toTeamId, not both',
    ),
  'conversation.setStatus': z
    .object({
      id,
      status: z.enum(CONVERSATION_STATUSES),
      snoozedUntil: z.string().datetime().nullable().optional(),
    })
    .strict(),
  /**
   * Adds one label to a conversation's set (no-op if there). Labels merge as a set, not last writer
   * wins: the relay applies each add and remove to the labels it holds, so two agents adding
   * different labels at once (or one offline) both keep theirs; on the same label, the relay's
   * order decides.
   */
  'conversation.addLabel': z.object({ id, label }).strict(),
  /** Removes one label from a conversation's set (no-op if absent); see conversation.addLabel. */
  'conversation.removeLabel': z.object({ id, label }).strict(),
  'message.send': z.object({ id, conversationId: id, body: text(TEXT_LIMITS.body).min(1) }).strict(),
  'note.add': z
    .object({
      id,
      conversationId: id,
      body: text(TEXT_LIMITS.body).min(1),
      mentions: z.array(id).max(20).optional(),
    })
    .strict(),
  /** A finished phone call with its wrap-up; append-only, in a conversation of the customer. */
  'call.log': z
    .object({
      id,
      conversationId: id,
      direction: z.enum(['in', 'out']),
      from: text(256),
      to: text(256),
      startedAt: z.string().datetime(),
      answeredAt: z.string().datetime().nullable(),
      endedAt: z.string().datetime(),
      disposition: text(64).nullable(),
      note: text(TEXT_LIMITS.body),
      /** Optional (added later): MOS over the call and the quality warnings raised. */
      quality: z
        .object({
          mosMin: mos,
          mosAvg: mos,
          samples: z.number().int().min(1).max(10_000_000),
          warnings: z.array(z.enum(QUALITY_WARNINGS)).max(QUALITY_WARNINGS.length),
        })
        .strict()
        .optional(),
      /** Optional (added later): the call's recording, uploaded separately once this record is in. */
      recording: callRecordingSchema.optional(),
    })
    .strict(),
  /**
   * What only the agent's app knows of a live call, as it happens: answered (talking), held and
   * resumed, transferred, ended (by whom). The id names the event, so a replay lands once. Written
   * on the conversation's `call` field (last writer wins by clock, every value kept in the field's
   * history), beside the states the relay learns from the SIP server.
   */
  'call.event': z
    .object({
      id,
      conversationId: id,
      /** The SIP Call-ID. */
      callId: text(256).min(1),
      state: z.enum(CALL_EVENT_STATES),
      direction: z.enum(['in', 'out']),
      endedBy: z.enum(['agent', 'customer']).optional(),
      /** For a call the agent places: the number (or SIP user) dialled. */
      dialled: text(256).optional(),
    })
    .strict(),
} as const;

export type MutationName = keyof typeof mutationArgs;
export const MUTATION_NAMES = Object.keys(mutationArgs) as MutationName[];
export type MutationArgs<N extends MutationName> = z.infer<(typeof mutationArgs)[N]>;

/** A mutation as written to the outbox and pushed: `{id, name, args, clock}`. */
export type Mutation<N extends MutationName = MutationName> = {
  id: string;
  name: N;
  args: MutationArgs<N>;
  clock: string;
};

export function isMutationName(n: unknown): n is MutationName {
  return typeof n === 'string' && Object.prototype.hasOwnProperty.call(mutationArgs, n);
}
