import type { Hlc } from './hlc';
import type { CallQualitySummary } from '../callQuality';
import type { CallRecording, RecordingPolicy } from '../recording';
import type { TeamRouting } from '../routing';

/**
 * Record kinds the relay syncs to apps. Scalar fields of mutable kinds merge per field, last
 * writer wins by HLC; append-only kinds (messages, notes, calls, field history) merge by id.
 */
export const ENTITIES = [
  'customer',
  'conversation',
  'message',
  'note',
  'call',
  'label',
  'cannedReply',
  'team',
  'agent',
  'inbox',
  'fieldChange',
] as const;
export type Entity = (typeof ENTITIES)[number];

export const APPEND_ONLY_ENTITIES: ReadonlySet<Entity> = new Set(['message', 'note', 'call', 'fieldChange']);

export const CHANNELS = ['chat', 'email', 'sms', 'whatsapp', 'wechat', 'voice', 'api'] as const;
export type Channel = (typeof CHANNELS)[number];

export const CONVERSATION_STATUSES = ['open', 'pending', 'snoozed', 'resolved'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

export const ROLES = ['admin', 'supervisor', 'agent'] as const;
export type Role = (typeof ROLES)[number];

/** Field shapes of each kind as synced (the `data` of a Change). */
export type CustomerData = {
  name: string;
  /** E.164 numbers, normalized with libphonenumber-js. */
  phones: string[];
  /** Lower-cased addresses. */
  emails: string[];
  company: string;
  address: string;
  language: string;
  /** Chat and messaging ids: `{ kind: 'wechat', value: 'wx_123' }`. */
  identities: { kind: string; value: string }[];
  customFields: Record<string, string>;
  createdAt: string;
  /** Set when this profile was merged into another (see customerMerge.ts); absent or null otherwise. */
  mergedInto?: string | null;
  /** What the merge moved and added, so it can be undone; null once undone. */
  merge?: CustomerMerge | null;
};

/** The record of one merge, kept on the merged (source) profile. */
export type CustomerMerge = {
  targetId: string;
  at: string;
  by: string | null;
  /** The source's own phones, emails and identities, moved to the target; an undo gives them back. */
  phones: string[];
  emails: string[];
  identities: { kind: string; value: string }[];
  /** What the target did not have before the merge and got from the source; an undo removes it. */
  added: {
    phones: string[];
    emails: string[];
    identities: { kind: string; value: string }[];
    /** Empty text fields of the target filled from the source. */
    fields: Partial<Record<'company' | 'address' | 'language', string>>;
    customFields: Record<string, string>;
  };
  /** Conversations moved from the source to the target (those the merging agent could see). */
  conversations: string[];
};

/**
 * A new customer's fields other than name and createdAt, the same wherever a profile is created
 * (an agent's customer.create, the relay's channels). A function so no caller shares the arrays.
 */
export function emptyCustomerFields(): Omit<CustomerData, 'name' | 'createdAt'> {
  return { phones: [], emails: [], company: '', address: '', language: '', identities: [], customFields: {} };
}

export type ConversationData = {
  customerId: string;
  channel: Channel;
  subject: string;
  status: ConversationStatus;
  snoozedUntil: string | null;
  assigneeId: string | null;
  teamId: string;
  inboxId: string | null;
  labels: string[];
  /** The earlier of the SLA due times still owed (the inbox badge and filter); null: none. */
  slaDueAt: string | null;
  /** SLA (shared/sla/dues.ts), set by the relay from the inbox's policy; absent on older records. */
  slaFirstResponseDueAt?: string | null;
  slaResolutionDueAt?: string | null;
  /** The due time last breached (the relay's timer marks it when it passes), and the breach count. */
  slaFirstResponseBreachedAt?: string | null;
  slaResolutionBreachedAt?: string | null;
  slaFirstResponseBreaches?: number;
  slaResolutionBreaches?: number;
  lastMessageAt: string;
  createdAt: string;
  /** The customer's satisfaction score (1–5) after resolution, written by the relay (web chat). */
  csatScore?: number;
  /** When the score was given. */
  csatAt?: string;
  /** When the assigned agent last read the customer's messages (web chat read receipts). */
  agentReadAt?: string;
  /** When the web chat visitor last read the agent's messages. */
  visitorReadAt?: string;
  /**
   * When the web chat's visitor left: their socket closed and they were not back within the grace
   * (the relay writes it; their return sets it to null). Replies are refused meanwhile.
   */
  visitorLeftAt?: string | null;
  /**
   * Email: the customer's address replies go to, the one the agent chose when starting the
   * conversation or the one that last wrote in it; absent: the customer's first address.
   */
  to?: string;
  /** The API poster's own id for the conversation, as it gave it; sent back with each reply. */
  externalId?: string;
  /** `callback`: a caller nobody could take within the queue's limit, to call back (the relay writes it). */
  kind?: 'callback';
  /** The callback's number, how long the caller waited, and when they gave up waiting. */
  callback?: { number: string; waitedMs: number; at: string };
};

export type MessageData = {
  conversationId: string;
  customerId: string;
  direction: 'in' | 'out';
  /** Agent id for outgoing messages, null for the customer. */
  authorId: string | null;
  body: string;
  createdAt: string;
  /** Files on the message (web chat); absent on older records and messages without files. */
  attachments?: MessageAttachment[];
  /** The mail a message came as or went out as (email conversations only). */
  email?: MessageEmail;
  /** How far the relay got delivering an agent's reply on its channel (email, API webhook); absent elsewhere. */
  delivery?: MessageDelivery;
};

/** Headers and the sanitized HTML of a mail; the relay writes them, apps only show them. */
export type MessageEmail = {
  /** The RFC 5322 Message-ID, with angle brackets. */
  messageId: string;
  subject: string;
  from: string;
  to: string[];
  cc: string[];
  /** HTML sanitized on the relay (no scripts, handlers, forms; remote images as data-remote-src). */
  html?: string;
  /** Remote images held back until the agent allows them for this message. */
  remoteImages?: number;
};

export const DELIVERY_STATES = ['queued', 'sent', 'refused', 'bounced'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];
/** `refused` and `bounced` carry the mail server's (or webhook receiver's) own words in `reason`. */
export type MessageDelivery = { state: DeliveryState; at: string; reason?: string };

/** A file stored by the relay (never in the change log), fetched by id by those who may see it. */
export type MessageAttachment = { id: string; name: string; size: number; type: string };

export type NoteData = {
  conversationId: string;
  authorId: string;
  body: string;
  mentions: string[];
  createdAt: string;
  /**
   * A supervisor's whisper: the agent it is for. Only they, the team's supervisors and admins see
   * the note (relay/data/visibility.ts); absent on every other note. The relay writes it, apps never.
   */
  whisperTo?: string;
};

export type CallData = {
  customerId: string | null;
  conversationId: string | null;
  direction: 'in' | 'out';
  from: string;
  to: string;
  agentId: string | null;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  disposition: string | null;
  note: string;
  /** Call quality summary; absent on older records and calls with no quality sample. */
  quality?: CallQualitySummary;
  /** The recording, when the team records calls (the audio lives on the relay, encrypted). */
  recording?: CallRecording;
  /** When the record was made (the call's start), so calls sort with messages and notes. */
  createdAt: string;
  /** When the agent saved the wrap-up (logged the call); absent on older records. */
  wrappedUpAt?: string;
};

export type LabelData = { name: string; color: string };
export type CannedReplyData = { shortCode: string; title: string; body: string; teamId: string | null };
export type TeamData = {
  name: string;
  /** Call recording setting; absent: off (DEFAULT_RECORDING_POLICY). */
  recording?: RecordingPolicy;
  /** Routing setting (grace for live work on a dropped connection); absent: the defaults. */
  routing?: TeamRouting;
};
export type AgentData = { name: string; email: string; role: Role; teamIds: string[]; skills: string[] };
export type InboxData = {
  name: string;
  channel: Channel;
  teamId: string;
  /** API inboxes: whether a webhook carries agents' replies back (the relay writes it; never its URL or secret). */
  webhook?: boolean;
};

/** One value a field held: the winner, or a value that lost or was overwritten (nothing is lost). */
export type FieldChangeData = {
  entity: Entity;
  recordId: string;
  field: string;
  value: unknown;
  clock: Hlc;
  authorId: string | null;
  at: string;
  /** `won`: became the field's value; `lost`: arrived with an older clock than the value in place. */
  outcome: 'won' | 'lost';
};

export type EntityData = {
  customer: CustomerData;
  conversation: ConversationData;
  message: MessageData;
  note: NoteData;
  call: CallData;
  label: LabelData;
  cannedReply: CannedReplyData;
  team: TeamData;
  agent: AgentData;
  inbox: InboxData;
  fieldChange: FieldChangeData;
};

/**
 * One entry of the relay's ordered log as delivered to an app: the record's whole state after
 * the change (so applying is idempotent), or a tombstone.
 */
export type Change = {
  seq: number;
  entity: Entity;
  id: string;
  data: Record<string, unknown> | null;
  /** Per-field clocks of mutable kinds; empty for append-only ones. */
  clocks: Record<string, Hlc>;
  deleted: boolean;
};
