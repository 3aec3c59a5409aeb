import type { Accounts } from '../identity/accounts';
import type { Logger } from '../core/logger';
import { guarded } from '../core/guard';
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

/**
 * Supervisors' board subscriptions. Anything that may change a figure calls `changed()`; on the
 * next turn of the event loop each scope's board is drawn once (a supervisor's teams, or all for
 * an admin) and sent to the watchers whose last board differs. Scope is read from the accounts at
 * every draw, so a role or team change takes effect at once (an agent's watch is dropped).
 * [tickMs=1000]
 */
export function createBoardWatch(d: {
  board: LiveBoard;
  accounts: Accounts;
  log: Logger;
  now: () => number;
  options?: BoardWatchOptions;
}) {
  const watchers = new Map<BoardWatcher, { last: string }>();
  let scheduled = false;

  function scopeOf(agentId: string): BoardScope | null {
    const a = d.accounts.agentById(agentId);
    if (!a || a.disabled) return null;
    if (a.role === 'admin') return { all: true };
    if (a.role === 'supervisor') return { all: false, teamIds: new Set(d.accounts.teamIdsOf(agentId)) };
    return null;
  }

  function flush(): void {
    scheduled = false;
    if (watchers.size === 0) return;
    d.board.rollDay(d.now());
    const drawn = new Map<string, string>();
    const at = JSON.stringify(new Date(d.now()).toISOString());
    for (const [w, state] of watchers) {
      const scope = scopeOf(w.agentId);
      if (!scope) {
        watchers.delete(w);
        continue;
      }
      const key = scope.all ? '*' : [...scope.teamIds].sort().join(',');
      let content = drawn.get(key);
      if (content === undefined) {
        content = JSON.stringify(d.board.boardFor(scope));
        drawn.set(key, content);
      }
      if (content === state.last) continue;
      state.last = content;
      // The board's own JSON with the time in front: encoded once per scope, not per watcher.
      w.send(`{"t":"board","board":{"at":${at},${content.slice(1)}}`);
    }
  }

  const schedule = (): void => {
    if (scheduled || watchers.size === 0) return;
    scheduled = true;
    setImmediate(guarded(d.log, 'board push', flush));
  };
  const timer = setInterval(schedule, d.options?.tickMs ?? 1_000);
  timer.unref();

  return {
    /** Starts (true) or stops watching; false when this person may not watch (not a supervisor or admin). */
    watch(w: BoardWatcher, on: boolean): boolean {
      if (!on) {
        watchers.delete(w);
        return true;
      }
      if (!scopeOf(w.agentId)) return false;
      // A fresh watch always gets the board, even one equal to what an earlier watch was sent.
      watchers.set(w, { last: '' });
      schedule();
      return true;
    },
    /** The watcher's connection closed. */
    gone(w: BoardWatcher): void {
      watchers.delete(w);
    },
    changed: schedule,
    watching: () => watchers.size,
    close(): void {
      clearInterval(timer);
      watchers.clear();
    },
  };
}

export type BoardWatch = ReturnType<typeof createBoardWatch>;
