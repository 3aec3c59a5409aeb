import type { MessageData, NoteData } from '../../shared/sync/entities';
import { stmt, type Db } from './statements';

export type Message = { kind: 'message'; id: string } & MessageData;
export type Note = { kind: 'note'; id: string } & NoteData;
/** One entry of a conversation's thread: a message to or from the customer, or an internal note. */
export type TimelineItem = Message | Note;
type Row = { id: string; data: string };

/** The query behind every thread view; its plan is pinned by a test (index records_by_parent). */
export const CHILDREN_SQL = `SELECT id, data FROM records
  WHERE entity = ? AND parent_id = ? AND data IS NOT NULL AND deleted = 0 ORDER BY sort_at, id`;

/** The newest `limit` of them, newest first, read from the same index's end; plan pinned by a test. */
export const LATEST_CHILDREN_SQL = `SELECT id, data FROM records
  WHERE entity = ? AND parent_id = ? AND data IS NOT NULL AND deleted = 0 ORDER BY sort_at DESC, id DESC LIMIT ?`;

/** The length of a thread, counted through the same index. */
export const COUNT_CHILDREN_SQL = `SELECT COUNT(*) AS n FROM records
  WHERE entity IN ('message', 'note') AND parent_id = ? AND data IS NOT NULL AND deleted = 0`;

function children(db: Db, entity: 'message' | 'note', conversationId: string): Row[] {
  return stmt(db, CHILDREN_SQL).all(entity, conversationId) as Row[];
}

const asMessage = (r: Row): Message => ({
  ...(JSON.parse(r.data) as MessageData),
  kind: 'message',
  id: r.id,
});
const asNote = (r: Row): Note => ({ ...(JSON.parse(r.data) as NoteData), kind: 'note', id: r.id });

export function messagesOf(db: Db, conversationId: string): Message[] {
  return children(db, 'message', conversationId).map(asMessage);
}

export function notesOf(db: Db, conversationId: string): Note[] {
  return children(db, 'note', conversationId).map(asNote);
}

/** Messages and notes of a conversation merged in time order (oldest first). */
export function timelineOf(db: Db, conversationId: string): TimelineItem[] {
  const all: TimelineItem[] = [...messagesOf(db, conversationId), ...notesOf(db, conversationId)];
  return all.sort(inTimeOrder);
}

/**
 * The last `count` entries of timelineOf (oldest first), reading only the newest `count` messages
 * and notes: a customer's history shows a few of each conversation, however long it is.
 */
export function latestOf(db: Db, conversationId: string, count: number): TimelineItem[] {
  const latest = (entity: 'message' | 'note') =>
    stmt(db, LATEST_CHILDREN_SQL).all(entity, conversationId, count) as Row[];
  const all: TimelineItem[] = [...latest('message').map(asMessage), ...latest('note').map(asNote)];
  return all.sort(inTimeOrder).slice(-count);
}

/** How many messages and notes a conversation has (the length of timelineOf, without reading them). */
export function timelineLength(db: Db, conversationId: string): number {
  return (stmt(db, COUNT_CHILDREN_SQL).get(conversationId) as { n: number }).n;
}

function inTimeOrder(a: TimelineItem, b: TimelineItem): number {
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1;
}
