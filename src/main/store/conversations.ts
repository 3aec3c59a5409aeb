import type { Channel, ConversationData, ConversationStatus } from '../../shared/sync/entities';
import { stmt, type Db } from './db';

export type ConversationSummary = { id: string } & ConversationData & {
    customerName: string | null;
    /** Customer messages newer than this device last read the conversation. */
    unread: number;
  };
type ConversationRow = { id: string; data: string; customerName: string | null; unread: number };

const toSummary = (r: ConversationRow): ConversationSummary => ({
  ...(JSON.parse(r.data) as ConversationData),
  id: r.id,
  customerName: r.customerName,
  unread: r.unread,
});

// parent_id of a conversation is its customerId (see migration 001), so the join is a key lookup;
// unread counts inbound messages after the last read through records_by_parent (a range scan).
const SELECT = `SELECT c.id, c.data, json_extract(cu.data, '$.name') AS customerName,
  (SELECT count(*) FROM records m WHERE m.entity = 'message' AND m.parent_id = c.id AND m.deleted = 0
     AND m.sort_at > coalesce((SELECT read_at FROM conversation_reads WHERE conversation_id = c.id), '')
     AND json_extract(m.data, '$.direction') = 'in') AS unread
  FROM records c LEFT JOIN records cu ON cu.entity = 'customer' AND cu.id = c.parent_id AND cu.deleted = 0`;

/** Marks a conversation read up to now (this device). */
export function markRead(db: Db, conversationId: string, at: string): void {
  stmt(
    db,
    `INSERT INTO conversation_reads (conversation_id, read_at) VALUES (?, ?)
     ON CONFLICT (conversation_id) DO UPDATE SET read_at = max(read_at, excluded.read_at)`,
  ).run(conversationId, at);
}

/** The inbox list query; its plan is pinned by a test (records_by_time, customer by key). */
export const LIST_CONVERSATIONS_SQL = `${SELECT} WHERE c.entity = 'conversation' AND c.data IS NOT NULL AND c.deleted = 0
  AND (@status IS NULL OR json_extract(c.data, '$.status') = @status)
  AND (@channel IS NULL OR json_extract(c.data, '$.channel') = @channel)
  AND (@assignee IS NULL OR coalesce(json_extract(c.data, '$.assigneeId'), '') = @assignee)
  ORDER BY c.sort_at DESC LIMIT @limit`;

/**
 * Conversations with their customer's name, latest activity first. `assignee` filters by assignee
 * id, '' for unassigned. Defaults: every status, channel and assignee; limit 100.
 */
export function listConversations(
  db: Db,
  opts: { status?: ConversationStatus; channel?: Channel; assignee?: string; limit?: number } = {},
): ConversationSummary[] {
  const rows = stmt(db, LIST_CONVERSATIONS_SQL).all({
    status: opts.status ?? null,
    channel: opts.channel ?? null,
    assignee: opts.assignee ?? null,
    limit: opts.limit ?? 100,
  }) as ConversationRow[];
  return rows.map(toSummary);
}

/** Conversations of one customer, latest first. */
export function conversationsOfCustomer(db: Db, customerId: string): ConversationSummary[] {
  const rows = stmt(
    db,
    `${SELECT} WHERE c.entity = 'conversation' AND c.parent_id = ? AND c.data IS NOT NULL AND c.deleted = 0
     ORDER BY c.sort_at DESC`,
  ).all(customerId) as ConversationRow[];
  return rows.map(toSummary);
}

export function getConversation(db: Db, id: string): ConversationSummary | null {
  const r = stmt(
    db,
    `${SELECT} WHERE c.entity = 'conversation' AND c.id = ? AND c.data IS NOT NULL AND c.deleted = 0`,
  ).get(id) as ConversationRow | undefined;
  return r ? toSummary(r) : null;
}
