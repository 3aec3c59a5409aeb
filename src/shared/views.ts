import type { ReplyRoute } from './replyRoute';
import type {
  CallData,
  Channel,
  ConversationData,
  CustomerData,
  Entity,
  FieldChangeData,
  MessageData,
  NoteData,
} from './sync/entities';

// What the renderer reads: records of the local cache as the agent sees them now
// (confirmed by the relay, plus this agent's changes still waiting to be sent).

export type CustomerView = { id: string } & CustomerData;
export type ConversationView = { id: string } & ConversationData & {
    customerName: string | null;
    /** Customer messages newer than this device last read the conversation. */
    unread: number;
    /** The start of the latest message (the inbox row's preview); absent without one. */
    preview?: string;
  };
export type TimelineItemView =
  ({ kind: 'message'; id: string } & MessageData) | ({ kind: 'note'; id: string } & NoteData);
export type FieldChangeView = { id: string } & FieldChangeData;
export type SearchHitView =
  | { entity: 'customer'; id: string; name: string; company: string }
  | { entity: 'message' | 'note'; id: string; conversationId: string; body: string };
export type RejectedView = { id: string; name: string; code: string; message: string; at: string };

export type CallView = { id: string } & CallData;

export type CustomerDetail = {
  customer: CustomerView;
  conversations: ConversationView[];
  history: FieldChangeView[];
  /** The customer's phone calls, newest first. */
  calls: CallView[];
  /** The profile this one was merged into, if it was (the agent is sent there, with an undo). */
  mergedInto: { id: string; name: string } | null;
  /** Profiles merged into this one, each with an undo. */
  mergedFrom: { id: string; name: string; at: string | null }[];
};

/** What pops up while a known caller's phone rings: read from the local cache only. */
export type ScreenPop = {
  customer: CustomerView;
  openConversations: ConversationView[];
  /** Latest messages and notes across the customer's conversations, newest first. */
  recent: TimelineItemView[];
  calls: CallView[];
  /** Other customers sharing the number (a family line, a switchboard), by name. */
  others: { id: string; name: string }[];
};
/** One entry of a customer's history on another channel, beside the conversation open now. */
export type CustomerHistoryItem = {
  kind: 'message' | 'note' | 'call';
  id: string;
  conversationId: string;
  channel: Channel;
  subject: string;
  at: string;
  /** An excerpt, plain text. */
  text: string;
  direction: 'in' | 'out' | null;
};
export type ConversationDetail = {
  conversation: ConversationView;
  /** Its messages and notes, oldest first: all of them, or the newest `limit` asked for. */
  timeline: TimelineItemView[];
  /** Entries older than those in `timeline` (0 when it holds them all). */
  earlier: number;
  /** The customer's recent messages, notes and calls in their other conversations, newest first. */
  customerHistory: CustomerHistoryItem[];
  /** Ids of this agent's messages and notes not yet acknowledged by the relay (shown as queued). */
  queued: string[];
  /** Where a reply goes out, or why none can (the composer says it; shared/replyRoute.ts). */
  replyRoute: ReplyRoute;
};
export type { Entity };

/** A canned reply the agent may insert (synced `cannedReply` records). */
export type CannedReplyView = { id: string; shortCode: string; title: string; body: string };
