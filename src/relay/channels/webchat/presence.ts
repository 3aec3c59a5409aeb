import { teamRoutingOf } from '../../../shared/routing';
import type { Database } from '../../data/db';
import type { Store } from '../../data/store';
import { guarded } from '../../core/guard';
import { writeConversation, type VisitorPresence, type WebchatDeps } from './context';
import type { Visitor } from './visitor';

/** How often the relay records that the visitors connected now are still there (at most). */
const SEEN_TICK_MS = 30_000;

type PresenceDeps = Pick<WebchatDeps, 'db' | 'store' | 'relayClock' | 'log' | 'now'>;

/**
 * Whether a chat's visitor is still there, kept on the conversation for the channel's truth: a
 * visitor whose socket closed and who is not back within the grace (`visitorGoneMs`, default the
 * conversation's team's away grace, the one agents get on a drop) has left, and the conversation
 * records `visitorLeftAt`, so a reply is refused with the reason (shared/replyRoute) instead of
 * being stored for nobody. Their return (the widget reconnecting to that chat) clears it.
 *
 * When the visitor was last seen is kept on the relay (`webchat_presence`: at arrival, departure,
 * every so often while connected, and when the relay closes), so a restart, or a crash, does not
 * forget them: at start every open chat seen before is given what remains of its grace. Chats no
 * socket ever opened (seeded demo data) have no such time and are left as they are.
 */
export function createVisitorPresence(d: {
  deps: PresenceDeps;
  visitors: ReadonlySet<Visitor>;
  /** The grace in ms; undefined: the team's away grace. */
  goneMs: number | undefined;
}): VisitorPresence {
  const { store } = d.deps;
  const table = lastSeenTable(d.deps.db, d.deps.now);
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  // The relay closing drops every socket: that is no visitor leaving.
  let closed = false;
  const connected = () =>
    new Set([...d.visitors].flatMap((v) => (v.conversationId ? [v.conversationId] : [])));
  const here = (convId: string) => connected().has(convId);
  const stop = (convId: string) => {
    clearTimeout(timers.get(convId));
    timers.delete(convId);
  };
  const graceOf = (convId: string) => d.goneMs ?? teamGraceOf(store, convId);
  /**
   * Unless a visitor is back on the chat by `goneAt` (last seen + the grace, relay ms), it records
   * that they left, as of `goneAt`: the same time whether the relay was running throughout or
   * started again after the grace had already run out.
   */
  const leaveAt = (convId: string, goneAt: number) => {
    stop(convId);
    const timer = setTimeout(
      guarded(d.deps.log, 'web chat visitor left', () => {
        timers.delete(convId);
        if (here(convId)) return;
        mark(d.deps, convId, new Date(Math.min(goneAt, d.deps.now())).toISOString());
        table.forget(convId);
      }),
      Math.max(0, goneAt - d.deps.now()),
    );
    timer.unref();
    timers.set(convId, timer);
  };

  // A chat still open whose visitor was seen before the relay (re)started: what is left of its grace.
  guarded(d.deps.log, 'web chat visitors seen before the start', () => {
    for (const r of table.all()) {
      if (stillThere(store, r.conversation_id))
        leaveAt(r.conversation_id, r.last_seen_at + graceOf(r.conversation_id));
      else table.forget(r.conversation_id);
    }
  })();

  const beat = setInterval(
    guarded(d.deps.log, 'web chat visitors seen', () => table.seen(connected())),
    Math.min(SEEN_TICK_MS, Math.max(1, Math.floor((d.goneMs ?? SEEN_TICK_MS) / 3))),
  );
  beat.unref();

  return {
    /** A visitor has this chat open (connected, or their first message bound it): they are there. */
    arrived(convId: string): void {
      stop(convId);
      table.seen([convId]);
      mark(d.deps, convId, null);
    },
    /** A visitor's socket on this chat closed: unless one is back within the grace, they left. */
    departed(convId: string): void {
      if (closed || here(convId)) return;
      table.seen([convId]);
      leaveAt(convId, d.deps.now() + graceOf(convId));
    },
    /** The relay closes: the visitors connected now were there until now (their grace runs from it). */
    close(): void {
      if (closed) return;
      closed = true;
      clearInterval(beat);
      guarded(d.deps.log, 'web chat visitors seen at close', () => table.seen(connected()))();
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  };
}

/** The `webchat_presence` table: when each chat's visitor was last seen (ms, the relay's clock). */
function lastSeenTable(db: Database, now: () => number) {
  const seenQ = db.prepare<[string, number]>(
    `INSERT INTO webchat_presence (conversation_id, last_seen_at) VALUES (?, ?)
     ON CONFLICT (conversation_id) DO UPDATE SET last_seen_at = excluded.last_seen_at`,
  );
  const forgetQ = db.prepare<[string]>('DELETE FROM webchat_presence WHERE conversation_id = ?');
  const allQ = db.prepare<[], { conversation_id: string; last_seen_at: number }>(
    'SELECT conversation_id, last_seen_at FROM webchat_presence',
  );
  return {
    /** These chats' visitors are there now (one transaction). */
    seen: db.transaction((convIds: Iterable<string>) => {
      const at = now();
      for (const id of convIds) seenQ.run(id, at);
    }),
    forget: (convId: string) => void forgetQ.run(convId),
    all: () => allQ.all(),
  };
}

/** The away grace of the conversation's team (the routing default when it set none). */
function teamGraceOf(store: Store, convId: string): number {
  const teamId = store.get('conversation', convId)?.data['teamId'];
  return teamRoutingOf(typeof teamId === 'string' ? store.get('team', teamId)?.data : undefined).awayGraceMs;
}

/** Whether a chat is open with its visitor not yet marked as left (so its grace still runs). */
function stillThere(store: Store, convId: string): boolean {
  const conv = store.get('conversation', convId);
  return (
    !!conv &&
    !conv.deleted &&
    conv.data['channel'] === 'chat' &&
    conv.data['status'] !== 'resolved' &&
    !conv.data['visitorLeftAt']
  );
}

/** Records on the chat that its visitor left at `visitorLeftAt`, or (null) is there; once per change. */
function mark(deps: PresenceDeps, convId: string, visitorLeftAt: string | null): void {
  const conv = deps.store.get('conversation', convId);
  if (!conv || conv.deleted || conv.data['channel'] !== 'chat') return;
  if ((conv.data['visitorLeftAt'] ?? null) === visitorLeftAt) return;
  writeConversation(deps, convId, { visitorLeftAt }, new Date(deps.now()).toISOString());
}
