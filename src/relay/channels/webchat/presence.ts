import { teamRoutingOf } from '../../../shared/routing';
import type { AsyncStoreReads } from '../../data/asyncStore';
import { guarded } from '../../core/guard';
import { writeConversation, type VisitorPresence, type WebchatDeps } from './context';
import type { Visitor } from './visitor';

/** How often the relay records that the visitors connected now are still there (at most). */
const SEEN_TICK_MS = 30_000;

type PresenceDeps = Pick<WebchatDeps, 'data' | 'store' | 'relayClock' | 'log' | 'now'>;

/**
 * Whether a chat's visitor is still there, kept on the conversation for the channel's truth: a
 * visitor whose socket closed and who is not back within the grace (`visitorGoneMs`, default the
 * conversation's team's away grace, the one agents get on a drop) has left, and the conversation
 * records `visitorLeftAt`, so a reply is refused with the reason (shared/replyRoute) instead of
 * being stored for nobody. Their return (the widget reconnecting to that chat) clears it.
 *
 * When the visitor was last seen is kept in the database (`webchat_presence`: at arrival,
 * departure, every so often while connected, and when the relay closes), so a restart, or a
 * crash, does not forget them: at start every open chat seen before is given what remains of its
 * grace. Chats no socket ever opened (seeded demo data) have no such time and are left as they
 * are. Relays on one database share that time: when a grace runs out, a visitor seen since (on
 * another relay, which keeps their time current while they are connected there) is given the
 * grace from then instead of being marked gone.
 */
export function createVisitorPresence(d: {
  deps: PresenceDeps;
  visitors: ReadonlySet<Visitor>;
  /** The grace in ms; undefined: the team's away grace. */
  goneMs: number | undefined;
}): VisitorPresence {
  const { store, data, log } = d.deps;
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  // The relay closing drops every socket: that is no visitor leaving.
  let closed = false;
  const connected = () => [
    ...new Set([...d.visitors].flatMap((v) => (v.conversationId ? [v.conversationId] : []))),
  ];
  const here = (convId: string) => connected().includes(convId);
  const seen = (convIds: readonly string[], at = d.deps.now()) => data.presenceSeen(convIds, at);
  const stop = (convId: string) => {
    clearTimeout(timers.get(convId));
    timers.delete(convId);
  };
  const graceOf = async (convId: string) => d.goneMs ?? (await teamGraceOf(store, convId));
  /**
   * Unless a visitor is back on the chat by `goneAt` (last seen + the grace, relay ms), it records
   * that they left, as of `goneAt`: the same time whether the relay was running throughout or
   * started again after the grace had already run out.
   */
  const leaveAt = (convId: string, goneAt: number) => {
    stop(convId);
    const timer = setTimeout(
      guarded(log, 'web chat visitor left', async () => {
        timers.delete(convId);
        if (here(convId)) return;
        // Seen since, on another relay (or back and gone again): the grace runs from then.
        const lastSeen = await data.presenceOf(convId);
        const grace = await graceOf(convId);
        if (lastSeen !== null && lastSeen + grace > goneAt) {
          if (!closed && !timers.has(convId)) leaveAt(convId, lastSeen + grace);
          return;
        }
        await mark(d.deps, convId, new Date(Math.min(goneAt, d.deps.now())).toISOString());
        await data.presenceForget(convId);
      }),
      Math.max(0, goneAt - d.deps.now()),
    );
    timer.unref();
    timers.set(convId, timer);
  };

  // A chat still open whose visitor was seen before the relay (re)started: what is left of its grace.
  guarded(log, 'web chat visitors seen before the start', async () => {
    for (const r of await data.presenceAll()) {
      if (await stillThere(store, r.conversation_id)) {
        const grace = await graceOf(r.conversation_id);
        if (!closed && !here(r.conversation_id) && !timers.has(r.conversation_id))
          leaveAt(r.conversation_id, r.last_seen_at + grace);
      } else await data.presenceForget(r.conversation_id);
    }
  })();

  const beat = setInterval(
    guarded(log, 'web chat visitors seen', () => seen(connected())),
    Math.min(SEEN_TICK_MS, Math.max(1, Math.floor((d.goneMs ?? SEEN_TICK_MS) / 3))),
  );
  beat.unref();

  return {
    /** A visitor has this chat open (connected, or their first message bound it): they are there. */
    arrived: guarded(log, 'web chat visitor arrived', async (convId: string) => {
      stop(convId);
      await seen([convId]);
      await mark(d.deps, convId, null);
    }),
    /** A visitor's socket on this chat closed: unless one is back within the grace, they left. */
    departed: guarded(log, 'web chat visitor departed', async (convId: string) => {
      if (closed || here(convId)) return;
      const at = d.deps.now();
      await seen([convId], at);
      const grace = await graceOf(convId);
      if (!closed && !here(convId)) leaveAt(convId, at + grace);
    }),
    /** The relay closes: the visitors connected now were there until now (their grace runs from it). */
    close(): void {
      if (closed) return;
      closed = true;
      clearInterval(beat);
      guarded(log, 'web chat visitors seen at close', () => seen(connected()))();
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  };
}

/** The away grace of the conversation's team (the routing default when it set none). */
async function teamGraceOf(store: Pick<AsyncStoreReads, 'get'>, convId: string): Promise<number> {
  const teamId = (await store.get('conversation', convId))?.data['teamId'];
  const team = typeof teamId === 'string' ? (await store.get('team', teamId))?.data : undefined;
  return teamRoutingOf(team).awayGraceMs;
}

/** Whether a chat is open with its visitor not yet marked as left (so its grace still runs). */
async function stillThere(store: Pick<AsyncStoreReads, 'get'>, convId: string): Promise<boolean> {
  const conv = await store.get('conversation', convId);
  return (
    !!conv &&
    !conv.deleted &&
    conv.data['channel'] === 'chat' &&
    conv.data['status'] !== 'resolved' &&
    !conv.data['visitorLeftAt']
  );
}

/** Records on the chat that its visitor left at `visitorLeftAt`, or (null) is there; once per change. */
async function mark(deps: PresenceDeps, convId: string, visitorLeftAt: string | null): Promise<void> {
  const conv = await deps.store.get('conversation', convId);
  if (!conv || conv.deleted || conv.data['channel'] !== 'chat') return;
  if ((conv.data['visitorLeftAt'] ?? null) === visitorLeftAt) return;
  await writeConversation(deps, convId, { visitorLeftAt }, new Date(deps.now()).toISOString());
}
