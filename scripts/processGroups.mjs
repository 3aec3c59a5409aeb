// Children of `npm start`, each the leader of its own process group, so that stopping reaches a
// child's whole tree, including daemons that left it (gnome-keyring-daemon forks away from
// dbus-run-session but stays in its process group).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Live (not zombie) processes of a process group, from /proc; null where /proc cannot be read. */
function liveMembers(pgid) {
  let pids;
  try {
    pids = readdirSync('/proc').filter((n) => /^\d+$/.test(n));
  } catch {
    return null;
  }
  let n = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): state ppid pgrp …
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') n++;
    } catch {
      // the process ended while we looked
    }
  }
  return n;
}

function groupAlive(pgid) {
  const n = liveMembers(pgid);
  if (n !== null) return n > 0;
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

function signalGroup(pgid, sig) {
  try {
    process.kill(-pgid, sig);
  } catch {
    // already gone
  }
}

/**
 * Spawns children in their own process groups and stops them all at once: SIGTERM to every
 * group, wait until no member is left, SIGKILL what is still there after `graceMs`, then
 * `onStopped(code)`. `stop` is idempotent: the first caller's code wins.
 * @param {{ graceMs: number, onStopped: (code: number) => void }} o
 */
export function createProcessGroups(o) {
  const pgids = new Set();
  let stopping = null;
  let markDone;
  const done = new Promise((r) => (markDone = r));
  return {
    get stopping() {
      return stopping !== null;
    },
    /** Resolves once everything is stopped (the script normally exits in `onStopped` first). */
    done,
    spawn(cmd, args, options) {
      const child = spawn(cmd, args, { ...options, detached: true });
      if (child.pid !== undefined) pgids.add(child.pid);
      // A child that cannot start at all is reported by its 'exit' listeners, not as a crash here.
      child.on('error', (err) => console.error(`start: ${cmd}: ${err.message}`));
      return child;
    },
    stop(code) {
      stopping ??= (async () => {
        for (const g of pgids) signalGroup(g, 'SIGTERM');
        const deadline = Date.now() + o.graceMs;
        while ([...pgids].some(groupAlive) && Date.now() < deadline) await sleep(100);
        for (const g of pgids) if (groupAlive(g)) signalGroup(g, 'SIGKILL');
        markDone();
        o.onStopped(code);
      })();
      return stopping;
    },
  };
}
