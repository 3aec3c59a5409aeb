import { RELAY_ERR, type ClientFrame, type ServerFrame } from '../../shared/sync/protocol';
import { presenceOf, type Presence } from '../../shared/agentState';
import type { Logger } from '../base/logger';
import type { LocalStore } from '../store/localStore';
import type { OutboxPush } from './outboxPush';
import { routingEventOf, type RoutingEvent, type SupervisionEvent } from './routingEvents';
import type { Conn } from './socket';
import type { SyncStatePatch } from './syncState';

/** What handling the relay's frames needs of the sync client. */
export type FrameHost = {
  store: LocalStore;
  log: Logger;
  push: OutboxPush;
  /** The relay welcomed a connection: the reconnect backoff starts over. */
  welcomed: () => void;
  /** The agent's routing state to say again on a new connection, if set. */
  presence: () => Presence | null;
  /** Whether to ask for the supervisor's board again on a new connection. */
  watching: () => boolean;
  update: (patch: SyncStatePatch) => void;
  emitRouting: (e: RoutingEvent) => void;
  supervisionListeners: ReadonlySet<(e: SupervisionEvent) => void>;
  revoke: (reason: string) => void;
  endedByRelay: (code: string, message: string) => void;
  /** Forces a token refresh on the next connect. */
  expireToken: () => void;
  reconnectNow: () => void;
};

/**
 * One frame from the relay on `conn`: the welcome, catch-up pages and live changes, a snapshot,
 * answers to pushes, routing and supervision events, and errors.
 */
export function handleFrame(h: FrameHost, conn: Conn, f: ServerFrame): void {
  const store = h.store;
  switch (f.t) {
    case 'welcome':
      return onWelcome(h, conn, f);
    case 'changes':
      store.applyChanges(f.changes, f.cursor);
      if (!f.more && !conn.caughtUp) {
        conn.caughtUp = true;
        h.push.pushNext();
      }
      return h.push.settle();
    case 'snapshotBegin':
      conn.caughtUp = false;
      store.beginResync();
      return h.update({ status: 'syncing', progress: { done: 0, total: f.total } });
    case 'snapshot':
      store.applySnapshotPage(f.changes);
      return h.update({ progress: { done: f.done, total: f.total } });
    case 'snapshotEnd':
      store.endResync(f.cursor);
      return h.update({ progress: undefined });
    case 'pushResult':
      return h.push.answered(f.batch, f.results);
    case 'offer':
    case 'offerWithdrawn':
    case 'offerResult':
    case 'typing':
    case 'movedWhileAway':
      return h.emitRouting(routingEventOf(f)!);
    case 'board':
      for (const l of h.supervisionListeners) l({ type: 'board', board: f.board });
      return;
    case 'boardAccessLost':
      for (const l of h.supervisionListeners)
        l({ type: 'accessLost', lost: { reason: f.reason, teams: f.teams, ended: f.ended } });
      return;
    case 'supervisorNotice':
      for (const l of h.supervisionListeners) l({ type: 'notice', notice: f.notice });
      return;
    case 'error':
      return onRelayError(h, conn, f);
    default: {
      const never: never = f;
      h.log.warn({ frame: (never as { t?: unknown }).t }, 'unknown frame from relay');
    }
  }
}

/** The relay answered the hello: frames other than hello may go; presence and watch are said again. */
function onWelcome(h: FrameHost, conn: Conn, f: Extract<ServerFrame, { t: 'welcome' }>): void {
  conn.welcomed = true;
  h.welcomed();
  h.store.setIdentity({ deviceId: f.deviceId, agent: f.agent });
  h.update({ status: 'syncing', lastError: undefined });
  const presence = h.presence();
  if (presence)
    conn.ws.send(JSON.stringify({ t: 'presence', ...presenceOf(presence) } satisfies ClientFrame));
  if (h.watching()) conn.ws.send(JSON.stringify({ t: 'watch', on: true } satisfies ClientFrame));
}

function onRelayError(h: FrameHost, conn: Conn, f: Extract<ServerFrame, { t: 'error' }>): void {
  h.log.warn({ code: f.code, message: f.message }, 'relay error');
  h.update({ lastError: { code: f.code, message: f.message } });
  switch (f.code) {
    case RELAY_ERR.DEVICE_REVOKED:
      return h.revoke(f.message);
    // PASSWORD_CHANGE_REQUIRED: an app that was offline when an admin reset the password hears
    // it at its next hello.
    case RELAY_ERR.ACCOUNT_DISABLED:
    case RELAY_ERR.SESSION_ENDED:
    case RELAY_ERR.PASSWORD_CHANGE_REQUIRED:
      return h.endedByRelay(f.code, f.message);
    case RELAY_ERR.TOKEN_EXPIRED:
      // Force a refresh on the next connect.
      h.expireToken();
      return h.reconnectNow();
    case RELAY_ERR.UNAUTHORIZED:
      if (!conn.welcomed) h.expireToken();
      return;
    case RELAY_ERR.BATCH_TOO_LARGE:
      return h.push.tooLarge(f.batch);
    default:
      // RATE_LIMITED and the rest: an unanswered batch is resent on the next connection.
      return;
  }
}
