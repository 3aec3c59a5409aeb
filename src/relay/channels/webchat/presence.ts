import { teamRoutingOf } from '../../../shared/routing';
import { guarded } from '../../core/guard';
import { writeConversation, type WebchatDeps } from './context';
import type { Visitor } from './visitor';

/**
 * Whether a chat's visitor is still there, kept on the conversation for the channel's truth: a
 * visitor whose socket closed and who is not back within the grace (`visitorGoneMs`, default the
 * conversation's team's away grace, the one agents get on a drop) has left, and the conversation
 * records `visitorLeftAt`, so a reply is refused with the reason (shared/replyRoute) instead of
 * being stored for nobody. Their return (the widget reconnecting to that chat) clears it.
 */
export function createVisitorPresence(d: {
  deps: Pick<WebchatDeps, 'store' | 'relayClock' | 'log' | 'now'>;
  visitors: ReadonlySet<Visitor>;
  /** The grace in ms; undefined: the team's away grace. */
  goneMs: number | undefined;
}) {
  const { store } = d.deps;
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  // The relay closing drops every socket: that is no visitor leaving.
  let closed = false;
  const here = (convId: string) => [...d.visitors].some((v) => v.conversationId === convId);
  const stop = (convId: string) => {
    clearTimeout(timers.get(convId));
    timers.delete(convId);
  };
  const graceOf = (convId: string): number => {
    if (d.goneMs !== undefined) return d.goneMs;
    const teamId = store.get('conversation', convId)?.data['teamId'];
    return teamRoutingOf(typeof teamId === 'string' ? store.get('team', teamId)?.data : undefined)
      .awayGraceMs;
  };
  const mark = (convId: string, visitorLeftAt: string | null) => {
    const conv = store.get('conversation', convId);
    if (!conv || conv.deleted || conv.data['channel'] !== 'chat') return;
    if ((conv.data['visitorLeftAt'] ?? null) === visitorLeftAt) return;
    writeConversation(d.deps, convId, { visitorLeftAt }, new Date(d.deps.now()).toISOString());
  };

  return {
    /** A visitor has this chat open (connected, or their first message bound it): they are there. */
    arrived(convId: string): void {
      stop(convId);
      mark(convId, null);
    },
    /** A visitor's socket on this chat closed: unless one is back within the grace, they left. */
    departed(convId: string): void {
      if (closed || here(convId)) return;
      stop(convId);
      const timer = setTimeout(
        guarded(d.deps.log, 'web chat visitor left', () => {
          timers.delete(convId);
          if (!here(convId)) mark(convId, new Date(d.deps.now()).toISOString());
        }),
        graceOf(convId),
      );
      timer.unref();
      timers.set(convId, timer);
    },
    close(): void {
      closed = true;
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  };
}

export type VisitorPresence = ReturnType<typeof createVisitorPresence>;
