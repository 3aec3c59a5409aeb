import type {
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
export type ConversationView = { id: string } & ConversationData & { customerName: string | null };
export type TimelineItemView =
  ({ kind: 'message'; id: string } & MessageData) | ({ kind: 'note'; id: string } & NoteData);
export type FieldChangeView = { id: string } & FieldChangeData;
export type SearchHitView =
  | { entity: 'customer'; id: string; name: string; company: string }
  | { entity: 'message' | 'note'; id: string; conversationId: string; body: string };
export type RejectedView = { id: string; name: string; code: string; message: string; at: string };

export type CustomerDetail = {
  customer: CustomerView;
  conversations: ConversationView[];
  history: FieldChangeView[];
};
export type ConversationDetail = {
  conversation: ConversationView;
  timeline: TimelineItemView[];
  /** Ids of this agent's messages and notes not yet acknowledged by the relay (shown as queued). */
  queued: string[];
};
export type { Entity };
