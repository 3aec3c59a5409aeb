import type { MentionNotice } from '../../shared/api';
import type { SupervisorNotice } from '../../shared/supervisor';
import type { NoteData } from '../../shared/sync/entities';
import { stmt, type Db } from '../store/statements';
import type { LocalStore } from '../store/localStore';
import { mentionNotificationText as textOf } from './notificationText';

/** A note as it arrived from the relay. */
export type ArrivedNote = { id: string } & NoteData;

/**
 * Which arrived notes to tell the agent about: those that @mention them, written by someone else,
 * not before `since` (the moment they signed in or the app resumed the session, so a first sync or
 * a catch-up does not bring a flood of old mentions), each once.
 */
export function mentionsToNotify(
  notes: readonly ArrivedNote[],
  ctx: { agentId: string; since: string; notified: ReadonlySet<string> },
): ArrivedNote[] {
  return notes.filter(
    (n) => Array.isArray(n.mentions) && n.mentions.includes(ctx.agentId) && isNews(n, ctx, ctx.since),
  );
}

/** Written by someone else, not before `from`, and not told yet: what both kinds of notice ask. */
function isNews(
  n: ArrivedNote,
  ctx: { agentId: string; notified: ReadonlySet<string> },
  from: string,
): boolean {
  return (
    n.authorId !== ctx.agentId &&
    typeof n.createdAt === 'string' &&
    n.createdAt >= from &&
    !ctx.notified.has(n.id)
  );
}

/** A supervisor's whisper written this long before the session began is still news when it arrives. */
export const WHISPER_CATCH_UP_MS = 60 * 60_000;

/**
 * Which arrived notes are a supervisor's whisper to this agent that they may not have seen: the
 * relay shows a whisper at once only to an agent who is connected, so one written while this app
 * was offline or closed (up to WHISPER_CATCH_UP_MS before `since`) becomes a notice when its note
 * arrives. The supervisor service keeps a whisper already shown live from showing twice.
 */
export function whispersToNotify(
  notes: readonly ArrivedNote[],
  ctx: { agentId: string; since: string; notified: ReadonlySet<string> },
): ArrivedNote[] {
  const from = new Date(Date.parse(ctx.since) - WHISPER_CATCH_UP_MS).toISOString();
  return notes.filter((n) => n.whisperTo === ctx.agentId && isNews(n, ctx, from));
}

// Notes confirmed by the relay, inserted after rowid `?` (a resync reinserts them: the notified set
// keeps each to one notice), whose data names the agent. Read by rowid range (`+entity` keeps the
// planner off the entity index, which would scan every note), so it stays cheap per frame; the
// plan is pinned by a test.
export const ARRIVED_SQL = `SELECT rowid AS rowid, id, data FROM records
  WHERE rowid > ? AND +entity = 'note' AND confirmed = 1 AND data IS NOT NULL AND instr(data, ?) > 0
  ORDER BY rowid`;
const MAX_ROWID_SQL = 'SELECT coalesce(max(rowid), 0) AS m FROM records';

/** Notes stored after `afterRowid` that contain `agentId` (candidates; mentionsToNotify decides). */
export function notesArrivedAfter(
  db: Db,
  afterRowid: number,
  agentId: string,
): { lastRowid: number; notes: ArrivedNote[] } {
  const rows = stmt(db, ARRIVED_SQL).all(afterRowid, agentId) as {
    rowid: number;
    id: string;
    data: string;
  }[];
  const notes = rows.map((r) => ({ ...(JSON.parse(r.data) as NoteData), id: r.id }));
  return { lastRowid: rows.at(-1)?.rowid ?? afterRowid, notes };
}

/**
 * Watches a workspace's cache for notes that mention its agent and hands each one, as a notice
 * with author and conversation names, to `onNotice`. Call `check()` after relay changes land.
 */
export class MentionWatcher {
  private readonly notified = new Set<string>();
  private lastRowid: number;

  constructor(
    private readonly o: {
      store: LocalStore;
      /** ISO time from which mentions are news (sign-in or session resume). */
      since: string;
      onNotice: (n: MentionNotice) => void;
      /** A supervisor's whisper to this agent arrived as a note (see whispersToNotify). */
      onWhisper?: (n: SupervisorNotice) => void;
    },
  ) {
    // What the cache held before is older than the session: only rows stored from now on count.
    this.lastRowid = (stmt(o.store.db, MAX_ROWID_SQL).get() as { m: number }).m;
  }

  check(): void {
    const { store } = this.o;
    const agentId = store.identity()?.agent.id;
    if (!agentId || !store.db.open) return;
    // A full resync empties the table, and rowids start again from 1: look at every row again
    // (the notified set and `since` keep that to what is news).
    const max = (stmt(store.db, MAX_ROWID_SQL).get() as { m: number }).m;
    if (max < this.lastRowid) this.lastRowid = 0;
    const { lastRowid, notes } = notesArrivedAfter(store.db, this.lastRowid, agentId);
    this.lastRowid = lastRowid;
    const ctx = { agentId, since: this.o.since, notified: this.notified };
    const due = mentionsToNotify(notes, ctx);
    const whispers = this.o.onWhisper ? whispersToNotify(notes, ctx) : [];
    if (due.length === 0 && whispers.length === 0) return;
    const agents = new Map(store.directory().agents.map((a) => [a.id, a.name] as const));
    for (const n of whispers) {
      this.notified.add(n.id);
      this.o.onWhisper?.({
        id: n.id,
        at: n.createdAt,
        by: { id: n.authorId, name: agents.get(n.authorId) ?? '' },
        kind: 'whisper',
        conversationId: n.conversationId,
        body: n.body,
      });
    }
    for (const n of due) {
      this.notified.add(n.id);
      const c = store.conversation(n.conversationId);
      this.o.onNotice({
        noteId: n.id,
        conversationId: n.conversationId,
        authorName: agents.get(n.authorId) ?? '',
        customerName: c?.customerName ?? null,
        subject: c?.subject ?? '',
        createdAt: n.createdAt,
      });
    }
  }
}

/** The desktop notification's title and body for a mention (English, as the offer notifications). */
export function mentionNotificationText(m: MentionNotice, lang = 'en'): { title: string; body: string } {
  return textOf(lang, m);
}
