/**
 * What the widget and the relay say to each other: frames on `/v1/widget/socket` and the shapes of
 * the `/v1/widget/*` HTTP answers the widget reads. The relay's side is
 * `src/relay/channels/webchat/webchat.ts`; the widget imports nothing, so the shapes are written
 * here again and the integration and end-to-end tests hold the two together.
 */

/** A file on a message or waiting to be sent. */
export type AttachmentMeta = { id: string; name: string; size: number };

/** One message of the visitor's conversation: `in` is the visitor's, `out` an agent's. */
export type ChatMessage = {
  id: string;
  direction: 'in' | 'out';
  body: string;
  createdAt: string;
  attachments?: AttachmentMeta[];
};

/** Frames the relay sends the widget. */
export type ServerFrame =
  | { t: 'message'; message: ChatMessage; clientId?: string }
  | { t: 'queue'; position: number }
  | { t: 'assigned' }
  | { t: 'typing'; on: boolean }
  /** The agent has read the visitor's messages up to `at`. */
  | { t: 'read'; at: string }
  | { t: 'csat'; conversationId: string }
  | { t: 'csatSaved'; conversationId?: string }
  | { t: 'error'; code?: string; message?: string };

/** A visitor's message; `clientId` makes a resend after a reconnect the same message. */
export type MessageFrame = { t: 'message'; text: string; clientId: string; attachments?: string[] };

/** Frames the widget sends the relay. */
export type ClientFrame =
  | MessageFrame
  | { t: 'read' }
  | { t: 'typing'; on: boolean }
  | { t: 'csat'; conversationId: string; score: number };

/** The relay's limits for an inbox (`GET /v1/widget/config`). */
export type WidgetConfig = {
  online: boolean;
  offlineReplyHours: number;
  maxMessageLength: number;
  attachments: { maxBytes: number; maxFiles: number };
};

/** The relay's defaults, used until `/v1/widget/config` answers. */
export const DEFAULT_CONFIG: WidgetConfig = {
  online: true,
  offlineReplyHours: 24,
  maxMessageLength: 2000,
  attachments: { maxBytes: 10485760, maxFiles: 5 },
};

/** The body of a refused request (`{ error: { code, message, reason? } }`), or null when unreadable. */
export type RefusalBody = { error?: { code?: string; message?: string; reason?: string } } | null;
