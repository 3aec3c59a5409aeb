import type { IncomingMessage } from 'node:http';
import type { MessageData } from '../../../shared/sync/entities';
import type { HlcClock } from '../../../shared/sync/hlc';
import type { ServerFrame } from '../../../shared/sync/protocol';
import type { Logger } from '../../core/logger';
import type { AsyncStore } from '../../data/asyncStore';
import type { IdentityReads } from '../../data/identityData';
import { writeFieldsAsync } from '../../data/records';
import type { WriteMeta } from '../../data/store';
import type { Viewer } from '../../data/visibility';
import type { WebchatData } from '../../data/webchatData';
import type { Inbound } from '../inbound';
import type { AttachmentStore } from './attachments';
import type { WebchatInboxConfig, WebchatOptions } from './options';
import { DEFAULT_OFFLINE_REPLY_HOURS } from './settings';
import type { Visitor } from './visitor';

// What the web chat's modules share: the channel's deps, its options with their defaults, the
// queries it reads the store with, and the visitors connected now.

export type WebchatDeps = {
  /** The channel's reads and tables (data/webchatData.ts). */
  data: WebchatData;
  store: AsyncStore;
  /** Where inboxes are read (the identity repository). */
  identity: Pick<IdentityReads, 'inbox'>;
  relayClock: HlcClock;
  secret: Buffer;
  inbound: Pick<Inbound, 'receive'>;
  queuePosition: (conversationId: string) => number | null;
  /** Tells the assigned agent's apps that the visitor is typing. */
  sendToAgent: (agentId: string, frame: ServerFrame) => void;
  maxBodyBytes: number;
  /** Deepest JSON nesting accepted in a body or frame (the relay's `maxJsonDepth`). */
  maxJsonDepth: number;
  /** The relay's data directory: attachments are stored under `attachments/`. */
  dataDir: string;
  /** Whether an agent who could take the inbox's conversations is there (else the offline form). */
  isStaffed: (inboxId: string) => boolean;
  /** A visitor reopened their chat (routing moves it if its agent is gone past the grace). Default: nothing. */
  onVisitorReturned?: (conversationId: string) => void;
  /** The agent behind an `Authorization: Bearer` access token; throws RelayError when there is none. */
  authorizeAgent: (req: IncomingMessage) => Promise<Viewer>;
  log: Logger;
  now: () => number;
  options?: WebchatOptions;
  /**
   * An inbox's settings, read at every use so a change applies without a restart. Default: the
   * `inboxes` of `options`.
   */
  inboxConfig?: (inboxId: string) => Promise<WebchatInboxConfig | undefined>;
};

/** Writes the channel makes on its own (no agent, no app mutation). */
export const SYSTEM: WriteMeta = { mutationId: null, agentId: null };

/** Writes `fields` on conversation `convId` as the channel (SYSTEM) at `at`, in one transaction. */
export async function writeConversation(
  d: Pick<WebchatDeps, 'store' | 'relayClock'>,
  convId: string,
  fields: Record<string, unknown>,
  at: string,
): Promise<void> {
  await d.store.transaction((tx) =>
    writeFieldsAsync(
      tx,
      { entity: 'conversation', id: convId, fields, clock: d.relayClock.now(), convId, at },
      SYSTEM,
    ),
  );
}

/** The channel's options with their defaults filled in. */
export function resolveWebchatOptions(options: WebchatOptions | undefined) {
  return {
    inboxes: options?.inboxes ?? {},
    maxMessageLength: options?.maxMessageLength ?? 2_000,
    rateLimit: options?.rateLimit ?? { perSecond: 2, burst: 10 },
    sessionRateLimit: options?.sessionRateLimit ?? { perSecond: 0.2, burst: 10 },
    tokenTtlMs: options?.tokenTtlMs ?? 30 * 24 * 3600_000,
    maxPayload: options?.maxPayload ?? 16 * 1024,
    queueTickMs: options?.queueTickMs ?? 2_000,
    offlineReplyHours: options?.offlineReplyHours ?? DEFAULT_OFFLINE_REPLY_HOURS,
    visitorGoneMs: options?.visitorGoneMs,
  };
}

/**
 * Whether each chat's visitor is still there (presence.ts makes it). Declared here, where the
 * context holds it, so that this module need not import presence.ts, which writes through it.
 */
export type VisitorPresence = {
  /** A visitor has this chat open (connected, or their first message bound it): they are there. */
  arrived(convId: string): void;
  /** A visitor's socket on this chat closed: unless one is back within the grace, they left. */
  departed(convId: string): void;
  /** The relay closes: the visitors connected now were there until now (their grace runs from it). */
  close(): void;
};

/** What every web chat module works with. */
export type WebchatContext = {
  d: WebchatDeps;
  o: ReturnType<typeof resolveWebchatOptions>;
  q: ChatQueries;
  files: AttachmentStore;
  visitors: Set<Visitor>;
  /** Whether each chat's visitor is still there (visitorLeftAt on the conversation). */
  presence: VisitorPresence;
  /** An inbox's settings, read at every use. */
  inboxConfig: (inboxId: string) => Promise<WebchatInboxConfig | undefined>;
};

export type ChatQueries = ReturnType<typeof createChatQueries>;

/** The channel's reads of the relay's database. */
export function createChatQueries(d: Pick<WebchatDeps, 'data' | 'store' | 'identity'>) {
  /**
   * The visitor's latest own chat (or whether `conv` is one of theirs), else null. A session's
   * conversation is a chat the visitor's own profile wrote in (message customerIds are written
   * once and never moved by a merge), now on their profile or the one it was merged into.
   * Conversations a merge brought onto the visitor's profile never qualify. Any chat inbox: a
   * transfer moves the chat to the new team's inbox, and the visitor keeps it.
   */
  async function ownConversation(customerId: string, conv: string | null = null): Promise<string | null> {
    const merged = (await d.store.get('customer', customerId))?.data['mergedInto'];
    const target = typeof merged === 'string' ? merged : customerId;
    return d.data.ownChat(customerId, target, conv);
  }

  /** Newest message of one direction in a conversation, or '' when there is none. */
  async function newest(convId: string, direction: 'in' | 'out'): Promise<string> {
    let at = '';
    for (const r of await d.data.messagesOf(convId)) {
      const m = r.data as Partial<MessageData>;
      if (m.direction === direction && typeof m.createdAt === 'string' && m.createdAt > at) at = m.createdAt;
    }
    return at;
  }

  return {
    inboxExists: async (inboxId: string) => (await d.identity.inbox(inboxId)) !== null,
    customerByIdentity: (identity: string) => d.data.customerByIdentity(identity),
    ownConversation,
    messagesOf: (convId: string) => d.data.messagesOf(convId),
    newest,
  };
}
