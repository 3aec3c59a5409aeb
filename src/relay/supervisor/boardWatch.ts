import { RELAY_ERR, type ServerFrame } from '../../shared/sync/protocol';
import type { Logger } from '../core/logger';
import type { BoardScope, LiveBoard } from './liveBoard';

/** One sync connection watching the board: whose it is, and how to send it text frames. */
export type BoardWatcher = { agentId: string; send(text: string): void };

export type BoardWatchOptions = {
  /**
   * How often the board is drawn again with nothing pushed to it, for figures that change with
   * time alone (an SLA due time passing, a new day); sent only when a figure changed. Default 1 000 ms.
   */
  tickMs?: number;
};

type BoardWatchDeps = {
  board: LiveBoard;
  log: Logger;
  now: () => number;
  options?: BoardWatchOptions;
};

/**
 * The watch's deps, its watchers, whether a draw is already due, and the draws asked (one at a
 * time, in order).
 */
type Watch = {
  d: BoardWatchDeps;
  watchers: Map<BoardWatcher, WatchState>;
  scheduled: boolean;
  drawing: Promise<void>;
};

/** The hub's refusal of a watch (sync/clientFrames.ts), for one refused only once the board was loaded. */
const REFUSED = JSON.stringify({
  t: 'error',
  code: RELAY_ERR.FORBIDDEN,
  message: 'Only supervisors (for their teams) and admins may watch the live view.',
} satisfies ServerFrame);

/**
 * Reads the watcher's scope now (the board's directory) and tells them what they lost since the
 * scope they were last known to have; the scope, or null when the watch ended (it is dropped).
 */
function rescope(x: Watch, w: BoardWatcher, state: WatchState): BoardScope | null {
  const scope = x.d.board.scopeOf(w.agentId);
  if (state.scope === null) {
    // Watched before the board was loaded: refused now, as the hub would have then.
    if (!scope) {
      w.send(REFUSED);
      x.watchers.delete(w);
      return null;
    }
    state.teams = x.d.board.teamsIn(scope);
  }
  const lost = state.scope && lostAccess(state.scope, state, scope);
  if (lost) w.send(JSON.stringify(lost));
  if (!scope) {
    x.watchers.delete(w);
    return null;
  }
  state.scope = scope;
  return scope;
}

/** Draws each scope's board once and sends it to the watchers whose last board differs. */
async function flush(x: Watch): Promise<void> {
  const { d, watchers } = x;
  x.scheduled = false;
  if (watchers.size === 0) return;
  await d.board.current();
  d.board.rollDay(d.now());
  const drawn = new Map<string, { content: string; teams: WatchState['teams'] }>();
  const at = JSON.stringify(new Date(d.now()).toISOString());
  for (const [w, state] of [...watchers]) {
    if (watchers.get(w) !== state) continue; // gone while a board was drawn
    const scope = rescope(x, w, state);
    if (!scope) continue;
    const key = scope.all ? '*' : [...scope.teamIds].sort().join(',');
    let drawing = drawn.get(key);
    if (drawing === undefined) {
      const board = await d.board.boardFor(scope);
      drawing = { content: JSON.stringify(board), teams: board.teams };
      drawn.set(key, drawing);
      if (watchers.get(w) !== state) continue;
    }
    state.teams = drawing.teams;
    if (drawing.content === state.last) continue;
    state.last = drawing.content;
    // The board's own JSON with the time in front: encoded once per scope, not per watcher.
    w.send(`{"t":"board","board":{"at":${at},${drawing.content.slice(1)}}`);
  }
}

/** Starts (true) or stops watching; false when this person may not watch (not a supervisor or admin). */
function watch(x: Watch, w: BoardWatcher, on: boolean, schedule: () => void): boolean {
  if (!on) {
    x.watchers.delete(w);
    return true;
  }
  // Before the board is loaded its directory is empty: the watch waits for the load (the first
  // draw does) and is refused then if it must be.
  const scope = x.d.board.ready() ? x.d.board.scopeOf(w.agentId) : null;
  if (!scope && x.d.board.ready()) return false;
  // A fresh watch always gets the board, even one equal to what an earlier watch was sent.
  // Its scope is known from now on, so a loss before the first draw is still told; a watch
  // said again keeps the scope it had.
  const state = x.watchers.get(w);
  if (state) state.last = '';
  else x.watchers.set(w, { last: '', scope, teams: scope ? x.d.board.teamsIn(scope) : [] });
  schedule();
  return true;
}

/**
 * Supervisors' board subscriptions. Anything that may change a figure calls `changed()`; on the
 * next turn of the event loop each scope's board is drawn once (a supervisor's teams, or all for
 * an admin) and sent to the watchers whose last board differs; draws run one after another. No
 * board is drawn before the board's load is over. Scope is read from the board's directory at
 * every draw (read again on every change of people, teams or inboxes, and on `rescoped`), so a
 * role or team change takes effect at once (an agent's watch is dropped), and a watcher who lost
 * some or all of it is told so first (`boardAccessLost`, lostAccess below).
 * [tickMs=1000]
 */
export function createBoardWatch(d: BoardWatchDeps) {
  const x: Watch = { d, watchers: new Map(), scheduled: false, drawing: Promise.resolve() };
  const draw = (): void => {
    x.drawing = x.drawing
      .then(() => flush(x))
      .catch((err: unknown) => d.log.error({ err }, 'board push failed'));
  };
  const schedule = (): void => {
    if (x.scheduled || x.watchers.size === 0) return;
    x.scheduled = true;
    setImmediate(draw);
  };
  const timer = setInterval(schedule, d.options?.tickMs ?? 1_000);
  timer.unref();

  return {
    /** Starts (true) or stops watching; false when this person may not watch (not a supervisor or admin). */
    watch: (w: BoardWatcher, on: boolean): boolean => watch(x, w, on, schedule),
    /**
     * The person's role or teams changed: once the directory is read again, their watchers hear
     * what they lost, a watch with no scope left ends, and the board is drawn again.
     */
    async rescoped(agentId: string): Promise<void> {
      await d.board.reloadDirectory();
      for (const [w, state] of x.watchers) {
        const scope = w.agentId === agentId && state.scope ? rescope(x, w, state) : null;
        if (scope) state.teams = d.board.teamsIn(scope);
      }
      schedule();
    },
    /** The watcher's connection closed. */
    gone(w: BoardWatcher): void {
      x.watchers.delete(w);
    },
    changed: schedule,
    watching: () => x.watchers.size,
    close(): void {
      clearInterval(timer);
      x.watchers.clear();
    },
  };
}

export type BoardWatch = ReturnType<typeof createBoardWatch>;

/**
 * What a watcher was last shown: the board's JSON, its scope (null: watched before the board was
 * loaded, not known yet) and the teams on it.
 */
type WatchState = {
  last: string;
  scope: BoardScope | null;
  teams: readonly { id: string; name: string }[];
};

/**
 * What a watcher lost since its last board, as the frame that tells them, or null: everything
 * (`role`: no scope now), the whole relay (`role`: an admin who is now a supervisor), or some of
 * their teams (`teams`). Named from the teams of the board they were last sent.
 */
function lostAccess(
  before: BoardScope,
  state: WatchState,
  now: BoardScope | null,
): Extract<ServerFrame, { t: 'boardAccessLost' }> | null {
  const gone = (t: { id: string }) => !now || (!now.all && !now.teamIds.has(t.id));
  if (!now || (before.all && !now.all))
    return { t: 'boardAccessLost', reason: 'role', teams: state.teams.filter(gone), ended: !now };
  if (before.all || now.all) return null;
  const teams = state.teams.filter(gone);
  return teams.length > 0 ? { t: 'boardAccessLost', reason: 'teams', teams, ended: false } : null;
}
