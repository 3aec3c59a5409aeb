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

function children(db: Db, entity: 'message' | 'note', conversationId: string): Row[] {
  return stmt(db, CHILDREN_SQL).all(entity, conversationId) as Row[];
}

export function messagesOf(db: Db, conversationId: string): Message[] {
  return children(db, 'message', conversationId).map((r) => ({
    ...(JSON.parse(r.data) as MessageData),
    kind: 'message',
    id: r.id,
  }));
}

export function notesOf(db: Db, conversationId: string): Note[] {
  return children(db, 'note', conversationId).map((r) => ({
    ...(JSON.parse(r.data) as NoteData),
    kind: 'note',
    id: r.id,
  }));
}

/** Messages and notes of a conversation merged in time order (oldest first). */
export function timelineOf(db: Db, conversationId: string): TimelineItem[] {
  const all: TimelineItem[] = [...messagesOf(db, conversationId), ...notesOf(db, conversationId)];
  return all.sort((a, b) =>
    a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1,
  );
}
