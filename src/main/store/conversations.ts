import type { Channel, ConversationData, ConversationStatus } from '../../shared/sync/entities';
import type { SlaFilter } from '../../shared/api';
import { stmt, type Db } from './statements';

export type ConversationSummary = { id: string } & ConversationData & {
    customerName: string | null;
    /** Customer messages newer than this device last read the conversation. */
    unread: number;
    /** The start of the latest message (either direction); absent without one. */
    preview?: string;
  };
type ConversationRow = {
  id: string;
  data: string;
  customerName: string | null;
  unread: number;
  preview: string | null;
};

const toSummary = (r: ConversationRow): ConversationSummary => ({
  ...(JSON.parse(r.data) as ConversationData),
  id: r.id,
  customerName: r.customerName,
  unread: r.unread,
  ...(r.preview ? { preview: r.preview } : {}),
});

/** Characters of the latest message kept for the inbox row's preview line. */
const PREVIEW_CHARS = 160;

// The preview is the newest message's body, the last entry of records_by_parent for the conversation.
// parent_id of a conversation is its customerId (see migration 001), so the join is a key lookup;
// unread counts inbound messages after the last read through records_by_parent (a range scan).
const COLUMNS = `c.id, c.data, json_extract(cu.data, '$.name') AS customerName,
  (SELECT count(*) FROM records m WHERE m.entity = 'message' AND m.parent_id = c.id AND m.deleted = 0
     AND m.sort_at > coalesce((SELECT read_at FROM conversation_reads WHERE conversation_id = c.id), '')
     AND json_extract(m.data, '$.direction') = 'in') AS unread,
  (SELECT substr(json_extract(m.data, '$.body'), 1, ${PREVIEW_CHARS}) FROM records m
     WHERE m.entity = 'message' AND m.parent_id = c.id AND m.deleted = 0
     ORDER BY m.sort_at DESC LIMIT 1) AS preview`;
const CUSTOMER_JOIN = `LEFT JOIN records cu ON cu.entity = 'customer' AND cu.id = c.parent_id AND cu.deleted = 0`;
const SELECT = `SELECT ${COLUMNS} FROM records c ${CUSTOMER_JOIN}`;

/** Marks a conversation read up to now (this device). */
export function markRead(db: Db, conversationId: string, at: string): void {
  stmt(
    db,
    `INSERT INTO conversation_reads (conversation_id, read_at) VALUES (?, ?)
     ON CONFLICT (conversation_id) DO UPDATE SET read_at = max(read_at, excluded.read_at)`,
  ).run(conversationId, at);
}

/** How far ahead "due soon" looks. */
export const SLA_SOON_MS = 30 * 60_000;

export type ConversationFilters = {
  status?: ConversationStatus;
  channel?: Channel;
  /** Assignee id; '' for unassigned. */
  assignee?: string;
  /** Only conversations of these teams. */
  teamIds?: readonly string[];
  /** Only conversations carrying this label (by name). */
  label?: string;
  /** overdue; soon: due within SLA_SOON_MS; none: without a due time. */
  sla?: SlaFilter;
  /** The time SLA filters are measured against (ms since the epoch). Default: now. */
  now?: number;
};

// Resolved conversations are never overdue nor due soon (the badge shows nothing for them).
const FILTERS = `c.entity = 'conversation' AND c.data IS NOT NULL AND c.deleted = 0
  AND (@status IS NULL OR json_extract(c.data, '$.status') = @status)
  AND (@channel IS NULL OR json_extract(c.data, '$.channel') = @channel)
  AND (@assignee IS NULL OR coalesce(json_extract(c.data, '$.assigneeId'), '') = @assignee)
  AND (@teams IS NULL OR json_extract(c.data, '$.teamId') IN (SELECT value FROM json_each(@teams)))
  AND (@label IS NULL OR EXISTS (SELECT 1 FROM json_each(json_extract(c.data, '$.labels')) WHERE value = @label))
  AND (@sla IS NULL
    OR (@sla = 'none' AND json_extract(c.data, '$.slaDueAt') IS NULL)
    OR (@sla = 'overdue' AND json_extract(c.data, '$.status') <> 'resolved'
      AND json_extract(c.data, '$.slaDueAt') <= @now)
    OR (@sla = 'soon' AND json_extract(c.data, '$.status') <> 'resolved'
      AND json_extract(c.data, '$.slaDueAt') > @now AND json_extract(c.data, '$.slaDueAt') <= @soon))`;

/**
 * The inbox list query: one window of the filtered list, latest activity first. Offset paging on
 * the (sort_at, id) order of conversations_by_activity (migration 004), which also holds every
 * filtered field: the first window reads only its rows, and any window can be reached directly (a
 * scrollbar dragged to the middle) by skipping index entries alone. The window is chosen first and
 * only its rows are joined to customers and unread counts. Plan pinned by a test.
 */
export const LIST_CONVERSATIONS_SQL = `WITH page AS MATERIALIZED (
    SELECT c.id, c.sort_at FROM records c INDEXED BY conversations_by_activity WHERE ${FILTERS}
    ORDER BY c.sort_at DESC, c.id DESC LIMIT @limit OFFSET @offset)
  SELECT ${COLUMNS} FROM page p CROSS JOIN records c ON c.entity = 'conversation' AND c.id = p.id ${CUSTOMER_JOIN}
  ORDER BY p.sort_at DESC, p.id DESC`;

/** How many conversations the filters match (the list's full length); plan pinned by a test. */
export const COUNT_CONVERSATIONS_SQL = `SELECT count(*) AS n FROM records c INDEXED BY conversations_by_activity WHERE ${FILTERS}`;

const filterParams = (f: ConversationFilters) => {
  const now = f.now ?? Date.now();
  return {
    status: f.status ?? null,
    channel: f.channel ?? null,
    assignee: f.assignee ?? null,
    teams: f.teamIds ? JSON.stringify(f.teamIds) : null,
    label: f.label ?? null,
    sla: f.sla ?? null,
    now: new Date(now).toISOString(),
    soon: new Date(now + SLA_SOON_MS).toISOString(),
  };
};

/**
 * Conversations with their customer's name, latest activity first. Defaults: every status,
 * channel, assignee, team, label and SLA; limit 100, offset 0.
 */
export function listConversations(
  db: Db,
  opts: ConversationFilters & { limit?: number; offset?: number } = {},
): ConversationSummary[] {
  const rows = stmt(db, LIST_CONVERSATIONS_SQL).all({
    ...filterParams(opts),
    limit: opts.limit ?? 100,
    offset: opts.offset ?? 0,
  }) as ConversationRow[];
  return rows.map(toSummary);
}

/** How many conversations match the filters. */
export function countConversations(db: Db, filters: ConversationFilters = {}): number {
  return (stmt(db, COUNT_CONVERSATIONS_SQL).get(filterParams(filters)) as { n: number }).n;
}

/** Names of the labels in the cache, sorted, for the inbox's label filter. */
export function labelNames(db: Db): string[] {
  const rows = stmt(
    db,
    `SELECT DISTINCT json_extract(data, '$.name') AS name FROM records
     WHERE entity = 'label' AND data IS NOT NULL AND deleted = 0 AND name IS NOT NULL`,
  ).all() as { name: unknown }[];
  return rows
    .map((r) => String(r.name))
    .filter((n) => n !== '')
    .sort((a, b) => a.localeCompare(b));
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
