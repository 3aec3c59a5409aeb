import { z } from 'zod';
import { CHANNELS, CONVERSATION_STATUSES } from './sync/entities';

/** The inbox list's views (see `conversations:list`). */
export const INBOX_VIEWS = ['all', 'teams', 'mine', 'unassigned'] as const;
export type InboxView = (typeof INBOX_VIEWS)[number];
/** The inbox list's SLA filters (see `conversations:list`). */
export const SLA_FILTERS = ['overdue', 'soon', 'none'] as const;
export type SlaFilter = (typeof SLA_FILTERS)[number];

/** The inbox list's filters, as `conversations:list` takes them (every one optional). */
export const inboxFiltersSchema = z
  .object({
    status: z.enum(CONVERSATION_STATUSES).optional(),
    channel: z.enum(CHANNELS).optional(),
    view: z.enum(INBOX_VIEWS).optional(),
    /** Only conversations carrying this label (by name). */
    label: z.string().min(1).max(100).optional(),
    sla: z.enum(SLA_FILTERS).optional(),
  })
  .strict();
export type InboxFilters = z.infer<typeof inboxFiltersSchema>;

/** Views one agent may save in the inbox's filter bar (besides the built-in ones). */
export const MAX_SAVED_VIEWS = 20;
/** A filter combination an agent saved under a name. */
export const savedInboxViewSchema = z
  .object({ name: z.string().trim().min(1).max(40), filters: inboxFiltersSchema })
  .strict();
export type SavedInboxView = z.infer<typeof savedInboxViewSchema>;
