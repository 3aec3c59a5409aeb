import type { WebSocket } from 'ws';
import {
  RELAY_CLOSE,
  RELAY_ERR,
  SYNC_PROTOCOL_VERSION,
  type ClientFrame,
  type RelayErrorCode,
  type ServerFrame,
} from '../../shared/sync/protocol';
import type { AgentState } from '../../shared/agentState';
import type { Accounts } from '../identity/accounts';
import type { Auth, Principal } from '../identity/auth';
import { RelayError } from '../core/errors';
import { guarded } from '../core/guard';
import type { Logger } from '../core/logger';
import type { Metrics } from '../core/metrics';
import type { ResolvedOptions } from '../options';
import type { Commit, Store } from '../data/store';
import { viewerOf } from '../data/visibility';
import { needsResync, startCatchUp, type CatchUpDeps } from './catchUp';
import { fail, newConn, send, shut, type Conn } from './connection';
import { fanOut } from './fanout';
import { readFrame } from './frames';
import { createGroupCommit } from './groupCommit';
import type { Pusher } from './push';

type Deps = {
  store: Store;
  auth: Auth;
  accounts: Accounts;
  pusher: Pusher;
  metrics: Metrics;
  log: Logger;
  o: ResolvedOptions;
};

export type SyncHub = ReturnType<typeof createSyncHub>;

/** What the hub tells the supervisor's live board: presence as apps state it, and board watches. */
export type SupervisionHooks = {
  connected(agentId: string): void;
  /** The agent's last connection closed. */
  disconnected(agentId: string): void;
  presence(agentId: string, state: AgentState): void;
  /** Starts or stops a watch; false when the person may not watch. */
  watch(w: { agentId: string; send(text: string): void }, on: boolean): boolean;
  /** The watching connection closed. */
  gone(w: { agentId: string; send(text: string): void }): void;
  /** The person's role or teams changed: their watches are narrowed or ended at once. */
  rescoped(agentId: string): void;
};

/** What the hub tells routing: who is connected, their presence, their answers to offers. */
export type RoutingHooks = {
  agentConnected(agentId: string): void;
  agentDisconnected(agentId: string): void;
  setPresence(agentId: string, state: AgentState): void;
  reply(agentId: string, offerId: string, accept: boolean): boolean;
  /** The agent saw what moved from them while they were offline, up to `upTo`. */
  movedSeen(agentId: string, upTo: string): void;
};

type AgentListeners = {
  typing: ((agentId: string, conversationId: string, on: boolean) => void)[];
  read: ((agentId: string, conversationId: string) => void)[];
};

/**
 * The `/v1/sync` WebSocket protocol: hello, catch-up or snapshot (catchUp.ts), live fan-out of
 * what the store commits (fanout.ts, told by `fanOut`), pushes by group commit (groupCommit.ts),
 * and the frames routing and web chat hear. Options (ResolvedOptions): heartbeatMs, authTimeoutMs,
 * pageSize, rateLimit, maxJsonDepth, maxMutationsPerBatch.
 */
export function createSyncHub(d: Deps) {
  const { store, accounts, log, o } = d;
  const conns = new Set<Conn>();
  // Routing is created after the hub (it sends through it): attached by the server's wiring.
  let routing: RoutingHooks | null = null;
  let supervision: SupervisionHooks | null = null;
  const connectedAgents = new Map<string, number>();
  const listeners: AgentListeners = { typing: [], read: [] };
  const catchUpDeps: CatchUpDeps = { store, metrics: d.metrics, log, pageSize: o.pageSize };
  const pushes = createGroupCommit({ pusher: d.pusher, metrics: d.metrics, log, replay: receive });
  const heartbeat = setInterval(
    guarded(log, 'sync heartbeat', () => beat(conns, o.now())),
    o.heartbeatMs,
  );
  heartbeat.unref();

  /** Handles one text frame, or keeps it for after the group commit of an earlier push. */
  function receive(c: Conn, text: string): void {
    if (c.deferred) return void c.deferred.push(text);
    try {
      const f = readFrame(c, text, o);
      if (f) dispatch(c, f);
    } catch (err) {
      log.error({ err }, 'sync frame failed');
      fail(c, RELAY_ERR.INTERNAL, 'The relay failed to handle this frame.');
    }
  }

  function dispatch(c: Conn, f: ClientFrame): void {
    if (!c.principal || !c.viewer) {
      if (f.t !== 'hello')
        return shut(c, RELAY_ERR.UNAUTHORIZED, 'The first frame must be a hello.', RELAY_CLOSE.UNAUTHORIZED);
      return onHello(c, f);
    }
    const agentId = c.principal.agentId;
    switch (f.t) {
      case 'hello':
        return fail(c, RELAY_ERR.PROTOCOL, 'hello was already received on this connection.');
      case 'pull':
        c.cursor = f.cursor;
        c.gen += 1;
        c.live = false;
        return startCatchUp(catchUpDeps, c);
      case 'push':
        return onPush(c, c.principal, c.viewer, f);
      case 'reauth':
        return onReauth(c, c.principal, f.accessToken);
      case 'presence':
        routing?.setPresence(agentId, f.state);
        return supervision?.presence(agentId, f.state);
      case 'watch':
        return onWatch(c, agentId, f.on);
      case 'offerReply': {
        const assigned = routing?.reply(agentId, f.offerId, f.accept) ?? false;
        if (f.accept) send(c, { t: 'offerResult', offerId: f.offerId, assigned });
        return;
      }
      case 'typing':
        for (const l of listeners.typing) l(agentId, f.conversationId, f.on);
        return;
      case 'read':
        for (const l of listeners.read) l(agentId, f.conversationId);
        return;
      case 'movedSeen':
        return routing?.movedSeen(agentId, f.upTo);
      default: {
        const never: never = f;
        return fail(c, RELAY_ERR.BAD_FRAME, `Unhandled frame ${String(never)}.`);
      }
    }
  }

  function onHello(c: Conn, f: Extract<ClientFrame, { t: 'hello' }>): void {
    if (f.protocol !== SYNC_PROTOCOL_VERSION) {
      return shut(
        c,
        RELAY_ERR.PROTOCOL,
        `This relay speaks sync protocol ${SYNC_PROTOCOL_VERSION}, not ${f.protocol}.`,
        RELAY_CLOSE.PROTOCOL,
      );
    }
    const p = authenticateOrShut(d.auth, c, f.accessToken);
    if (!p) return;
    c.principal = p;
    c.viewer = viewerOf(p, accounts);
    c.cursor = f.cursor;
    d.auth.touch(p.deviceId);
    const head = store.head();
    const resync = needsResync(store, f.cursor);
    send(c, { t: 'welcome', agent: accounts.publicAgent(p.agentId), deviceId: p.deviceId, head, resync });
    log.info({ agent: p.agentId, device: p.deviceId, cursor: f.cursor, head, resync }, 'sync hello');
    startCatchUp(catchUpDeps, c);
    connectedAgents.set(p.agentId, (connectedAgents.get(p.agentId) ?? 0) + 1);
    routing?.agentConnected(p.agentId);
    supervision?.connected(p.agentId);
  }

  function onReauth(c: Conn, was: Principal, accessToken: string): void {
    const p = authenticateOrShut(d.auth, c, accessToken);
    if (!p) return;
    if (p.agentId !== was.agentId || p.deviceId !== was.deviceId)
      return shut(
        c,
        RELAY_ERR.UNAUTHORIZED,
        'reauth must name the same agent and device.',
        RELAY_CLOSE.UNAUTHORIZED,
      );
    c.principal = p;
    c.viewer = viewerOf(p, accounts);
  }

  function onPush(
    c: Conn,
    p: Principal,
    v: NonNullable<Conn['viewer']>,
    f: Extract<ClientFrame, { t: 'push' }>,
  ) {
    if (f.mutations.length > o.maxMutationsPerBatch) {
      return fail(
        c,
        RELAY_ERR.BATCH_TOO_LARGE,
        `A push may carry at most ${o.maxMutationsPerBatch} mutations; split the batch.`,
        { batch: f.batch },
      );
    }
    pushes.enqueue(c, p, v, f);
  }

  function onWatch(c: Conn, agentId: string, on: boolean): void {
    c.watcher ??= {
      agentId,
      send: (text) => {
        if (c.ws.readyState === c.ws.OPEN) c.ws.send(text);
      },
    };
    if (supervision?.watch(c.watcher, on) || !on) return;
    fail(c, RELAY_ERR.FORBIDDEN, 'Only supervisors (for their teams) and admins may watch the live view.');
  }

  function onClose(c: Conn, helloTimer: NodeJS.Timeout): void {
    clearTimeout(helloTimer);
    c.gen += 1;
    conns.delete(c);
    d.metrics.connections -= 1;
    if (c.watcher) supervision?.gone(c.watcher);
    const agentId = c.principal?.agentId;
    if (!agentId) return;
    const left = (connectedAgents.get(agentId) ?? 1) - 1;
    if (left > 0) return void connectedAgents.set(agentId, left);
    connectedAgents.delete(agentId);
    // A routing failure here must not escape the socket's close event (it would stop the relay).
    guarded(log, 'routing on disconnect', () => routing?.agentDisconnected(agentId))();
    guarded(log, 'board on disconnect', () => supervision?.disconnected(agentId))();
  }

  return {
    /** Sends a commit to every live connection allowed to see it (subscribed to store.onCommit). */
    fanOut(commit: Commit): void {
      fanOut(store, conns, commit);
    },

    attachRouting(r: RoutingHooks): void {
      routing = r;
    },

    attachSupervision(s: SupervisionHooks): void {
      supervision = s;
    },

    /** Whether an app of this agent is connected now. */
    isConnected: (agentId: string): boolean => connectedAgents.has(agentId),

    /** Hears agents' typing frames (web chat shows them to the customer, if theirs to see). */
    onAgentTyping(listener: (agentId: string, conversationId: string, on: boolean) => void): void {
      listeners.typing.push(listener);
    },

    /** Hears agents' read frames (web chat shows the customer a read receipt). */
    onAgentRead(listener: (agentId: string, conversationId: string) => void): void {
      listeners.read.push(listener);
    },

    /** Sends a frame to every live connection of an agent (offers). */
    sendToAgent(agentId: string, frame: ServerFrame): void {
      for (const c of conns) if (c.principal?.agentId === agentId) send(c, frame);
    },

    /** Serves one upgraded socket until it closes. */
    accept(ws: WebSocket): void {
      const c = newConn(ws, o.rateLimit);
      conns.add(c);
      d.metrics.connections += 1;
      const helloTimer = setTimeout(() => {
        if (!c.principal)
          shut(c, RELAY_ERR.UNAUTHORIZED, `No hello within ${o.authTimeoutMs} ms.`, RELAY_CLOSE.TIMEOUT);
      }, o.authTimeoutMs);
      ws.on('pong', () => (c.alive = true));
      ws.on('message', (data, isBinary) => {
        if (isBinary) return fail(c, RELAY_ERR.BAD_FRAME, 'Frames are JSON text, not binary.');
        receive(c, data.toString());
      });
      ws.on('error', (err) => log.warn({ err: err.message }, 'sync socket error'));
      ws.on('close', () => onClose(c, helloTimer));
    },

    /** Tells and disconnects every socket of a revoked device (close 4410). */
    disconnectDevice(deviceId: string): void {
      for (const c of conns) {
        if (c.principal?.deviceId === deviceId)
          shut(c, RELAY_ERR.DEVICE_REVOKED, 'This device was revoked.', RELAY_CLOSE.DEVICE_REVOKED);
      }
    },

    /** Tells and disconnects every socket of an agent but `exceptDeviceId`'s (disabled, password changed). */
    disconnectAgent(
      agentId: string,
      why: { code: RelayErrorCode; message: string; close: number },
      exceptDeviceId?: string,
    ): number {
      let closed = 0;
      for (const c of conns) {
        if (c.principal?.agentId !== agentId || c.principal.deviceId === exceptDeviceId) continue;
        shut(c, why.code, why.message, why.close);
        closed += 1;
      }
      return closed;
    },

    /** After a membership or role change: reload the agent's role and teams and resend its view. */
    refreshAgent(agentId: string): void {
      const role = accounts.agentById(agentId)?.role;
      supervision?.rescoped(agentId);
      for (const c of conns) {
        if (c.principal?.agentId !== agentId) continue;
        if (role) c.principal = { ...c.principal, role };
        c.viewer = viewerOf(c.principal, accounts);
        c.forceSnapshot = true;
        c.gen += 1;
        startCatchUp(catchUpDeps, c);
      }
    },

    close(): void {
      clearInterval(heartbeat);
      for (const c of conns) c.ws.close(1001, 'relay shutting down');
    },
  };
}

/**
 * One heartbeat: a connection whose access token expired is told and closed (4401) unless it
 * re-authenticated; one that missed the last ping is terminated; the others are pinged.
 */
function beat(conns: Iterable<Conn>, now: number): void {
  for (const c of conns) {
    if (c.principal && c.principal.expiresAt <= now) {
      shut(
        c,
        RELAY_ERR.TOKEN_EXPIRED,
        'The access token expired; refresh it and reconnect.',
        RELAY_CLOSE.UNAUTHORIZED,
      );
      continue;
    }
    if (!c.alive) {
      c.ws.terminate();
      continue;
    }
    c.alive = false;
    c.ws.ping();
  }
}

/** The principal of an access token, or null after telling the client why and closing (4401/4410/4411). */
function authenticateOrShut(auth: Auth, c: Conn, accessToken: string): Principal | null {
  try {
    return auth.authenticate(accessToken);
  } catch (err) {
    if (!(err instanceof RelayError)) throw err;
    const close =
      err.code === RELAY_ERR.DEVICE_REVOKED
        ? RELAY_CLOSE.DEVICE_REVOKED
        : err.code === RELAY_ERR.ACCOUNT_DISABLED
          ? RELAY_CLOSE.ACCOUNT_DISABLED
          : RELAY_CLOSE.UNAUTHORIZED;
    shut(c, err.code, err.message, close);
    return null;
  }
}
