import { z } from 'zod';
import { inboxFiltersSchema } from '../inboxFilters';
import type { OfferView } from '../sync/protocol';
import { CONVERSATION_STATUSES } from '../sync/entities';
import type { MovedWhileAway } from '../routing';
import { mutationArgs, TEXT_LIMITS } from '../sync/mutations';
import type {
  CannedReplyView,
  ConversationDetail,
  ConversationView,
  FieldChangeView,
  RejectedView,
  SearchHitView,
} from '../views';
import { call, id, noArgs, page } from './call';

// The app API's calls of the inbox: conversations, messages and notes, their history, search,
// rejected changes, offers, the directory for transfers and files. Spread into `apiCalls` in api.ts.

/** A colleague mentioned the signed-in agent in a note: who, where (customer and subject), which note. */
export type MentionNotice = {
  noteId: string;
  conversationId: string;
  /** Empty when the author is not in the cache's directory. */
  authorName: string;
  /** Null when the conversation or its customer is not in the cache (yet). */
  customerName: string | null;
  subject: string;
  createdAt: string;
};

export const inboxCalls = {
  /**
   * One window (`offset`, `limit`) of the inbox list, latest activity first, with the length of the
   * whole filtered list (`total`) so a virtualized list can size itself. `count: false` skips
   * counting the whole list (total is then null): a list that knows its length asks once per change.
   */
  'conversations:list': call<{ total: number | null; offset: number; items: ConversationView[] }>()(
    /**
     * view: mine: assigned to me; unassigned; teams: of the teams I belong to; all: everything this
     * agent may see (its teams, and conversations assigned to it from other teams). sla: overdue;
     * soon: due within 30 minutes; none: without a due time. count: default true.
     */
    inboxFiltersSchema.extend(page).extend({ count: z.boolean().optional() }).strict(),
  ),
  /** Label names to filter the inbox by, sorted by name. */
  'conversations:labels': call<string[]>()(noArgs),
  /**
   * A conversation, its customer's other history and, with `limit`, only the newest `limit` entries
   * of its timeline (`earlier` says how many older ones there are; ask again with a larger limit).
   * Without a limit, the whole timeline.
   */
  'conversations:get': call<ConversationDetail>()(
    z.object({ id, limit: z.number().int().min(1).max(1_000_000).optional() }).strict(),
  ),
  /**
   * Adds a label to a conversation (offline too: queued as conversation.addLabel). Any valid label
   * (see labelProblem); `conversations:labels` lists the known ones as suggestions.
   */
  'conversations:addLabel': call<ConversationView>()(
    z.object({ id, label: mutationArgs['conversation.addLabel'].shape.label }).strict(),
  ),
  /** Removes a label from a conversation (offline too: queued as conversation.removeLabel). */
  'conversations:removeLabel': call<ConversationView>()(
    z.object({ id, label: mutationArgs['conversation.removeLabel'].shape.label }).strict(),
  ),
  'conversations:setStatus': call<ConversationView>()(
    z
      .object({
        id,
        status: z.enum(CONVERSATION_STATUSES),
        snoozedUntil: z.string().datetime().nullable().optional(),
      })
      .strict(),
  ),
  /**
   * The agent writes to a customer first (offline too: queued as conversation.create and
   * message.send): a new email conversation, theirs, in their team's email inbox; the relay sends
   * the mail to `to`, one of the customer's addresses (default: their first; refused with
   * LOCAL_ERR_UNDELIVERABLE without one, LOCAL_ERR_INVALID_MUTATION for an address not theirs).
   */
  'conversations:startEmail': call<{ conversationId: string; messageId: string }>()(
    z
      .object({
        customerId: id,
        to: mutationArgs['conversation.create'].shape.to,
        subject: z.string().trim().min(1).max(TEXT_LIMITS.short),
        body: z.string().trim().min(1).max(TEXT_LIMITS.body),
      })
      .strict(),
  ),
  'messages:send': call<{ id: string }>()(
    z.object({ conversationId: id, body: z.string().trim().min(1).max(TEXT_LIMITS.body) }).strict(),
  ),
  'notes:add': call<{ id: string }>()(
    z.object({ conversationId: id, body: z.string().trim().min(1).max(TEXT_LIMITS.body) }).strict(),
  ),
  'history:get': call<FieldChangeView[]>()(
    z
      .object({ entity: z.enum(['customer', 'conversation']), id, field: z.string().max(64).optional() })
      .strict(),
  ),
  'search:query': call<SearchHitView[]>()(
    z.object({ q: z.string().max(200), limit: z.number().int().min(1).max(200).optional() }).strict(),
  ),
  'sync:listRejected': call<RejectedView[]>()(noArgs),
  'sync:dismissRejected': call<{ dismissed: boolean }>()(z.object({ id: z.string().max(64) }).strict()),
  /** Teams and agents (names, team membership) for transfers. */
  'inbox:directory': call<{
    teams: { id: string; name: string }[];
    agents: { id: string; name: string; teamIds: string[] }[];
  }>()(noArgs),
  /**
   * Marks a conversation read on this device (unread counts in the list); `cleared` when it had
   * unread messages before, so the views have something to refresh.
   */
  'conversations:markRead': call<{ unread: number; cleared: boolean }>()(z.object({ id }).strict()),
  /** Hand a conversation to a colleague or to a team's queue (works offline; sent when back). */
  'conversations:transfer': call<ConversationView>()(
    z
      .object({ id, toAgentId: id.optional(), toTeamId: id.optional() })
      .strict()
      .refine(
        (a) => (a.toAgentId === undefined) !== (a.toTeamId === undefined),
        'name toAgentId or toTeamId',
      ),
  ),
  /** Work the relay offers this agent now (accept or decline before it expires). */
  'inbox:listOffers': call<OfferView[]>()(noArgs),
  'inbox:replyOffer': call<{ sent: boolean }>()(
    z.object({ offerId: z.string().max(64), accept: z.boolean() }).strict(),
  ),
  /** Canned replies whose short code, title or body contains `q` (case-insensitive), at most 8. */
  'inbox:searchCannedReplies': call<CannedReplyView[]>()(z.object({ q: z.string().max(100) }).strict()),
  /** Live work that moved to colleagues while this agent was offline, as the relay last said. */
  'inbox:listMovedWhileAway': call<MovedWhileAway[]>()(noArgs),
  /** The agent read the notice: forgets what moved up to `upTo`, here and on the relay. */
  'inbox:dismissMovedWhileAway': call<{ sent: boolean }>()(
    z.object({ upTo: z.string().datetime() }).strict(),
  ),
  /** Tells the customer (web chat) that the agent is typing; `sent` false when offline. */
  'inbox:setTyping': call<{ sent: boolean }>()(z.object({ conversationId: id, on: z.boolean() }).strict()),
  /**
   * A file on a message of a conversation in this workstation's data, fetched by main from the
   * relay with the agent's token (needs the network): its name, type and bytes (base64), for the
   * renderer to save. `type` is one of the relay's allowed attachment types.
   */
  'messages:getAttachment': call<{ name: string; type: string; size: number; base64: string }>()(
    z.object({ conversationId: id, attachmentId: z.string().regex(/^[0-9a-f]{32}$/) }).strict(),
  ),
  /**
   * The remote images of a mail in this workstation's data, fetched by the relay (needs the
   * network): address → data: URL for each it could fetch, and how many it could not (with why).
   */
  'messages:remoteImages': call<{
    images: Record<string, string>;
    failed: { url: string; error: string }[];
  }>()(z.object({ messageId: id }).strict()),
  /**
   * Sends a file to a web chat's visitor, or by mail on an email conversation, as the agent's
   * message (needs the network; the relay
   * checks type and size as for visitors). The bytes come in base64 parts of at most 512 KiB under
   * one `uploadId`, so no frame is large; the part with `done` sends it and answers the message id.
   */
  'messages:sendAttachment': call<{ messageId: string | null }>()(
    z
      .object({
        conversationId: id,
        uploadId: z.string().uuid(),
        name: z.string().min(1).max(10_000),
        part: z.string().max(512 * 1024),
        done: z.boolean(),
      })
      .strict(),
  ),
};
