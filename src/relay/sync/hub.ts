import { performance } from 'node:perf_hooks';
import type { WebSocket } from 'ws';
import {
  clientFrameSchema,
  RELAY_CLOSE,
  RELAY_ERR,
  SYNC_PROTOCOL_VERSION,
  type ClientFrame,
  type PushOutcome,
  type RelayErrorCode,
  type ServerFrame,
} from '../../shared/sync/protocol';
import type { Accounts } from '../identity/accounts';
import type { Auth, Principal } from '../identity/auth';
import { describeIssues, RelayError } from '../core/errors';
import { guarded } from '../core/guard';
import { parseJsonInput } from '../http/jsonLimits';
import type { Logger } from '../core/logger';
import type { Metrics } from '../core/metrics';
import type { ResolvedOptions } from '../options';
import type { Pusher } from './push';
import { TokenBucket } from '../core/rateLimit';
import type { Store } from '../data/store';
import { canSee, viewerOf, type ConversationScope, type Viewer } from '../data/visibility';
import type { AgentState } from '../../shared/agentState';
import type { Change } from '../../shared/sync/entities';

type Conn = {
  ws: WebSocket;
  principal: Principal | null;
  viewer: Viewer | null;
  /** Position up to which this client has been sent everything it may see. */
  cursor: number;
  /** Caught up and receiving live fan-out. */
  live: boolean;
  catchingUp: boolean;
  /** Bumped by `pull` and forced resyncs so a running catch-up restarts from the new cursor. */
  gen: number;
  forceSnapshot: boolean;
  alive: boolean;
  bucket: TokenBucket;
  strikes: number;
  /** Frames received while a push of this connection waits for the group commit, in order. */
  deferred: string[] | null;
  /** Set while this connection watches the supervisor's board. */
  watcher: { agentId: string; send(text: string): void } | null;
};

type QueuedPush = { c: Conn; p: Principal; v: Viewer; f: Extract<ClientFrame, { t: 'push' }> };

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
};

/** What the hub tells routing: who is connected, their presence, their answers to offers. */
export type RoutingHooks = {
  agentConnected(agentId: string): void;
  agentDisconnected(agentId: string): void;
  setPresence(agentId: string, state: AgentState): void;
  reply(agentId: string, offerId: string, accept: boolean): boolean;
  /** The agent saw what moved from them while they were offline, up to `upTo`. */
  movedSeen(agentId: string, upTo: string): void;
  /** Every change fanned out (resolved conversations free their agent's capacity). */
  onChanges(changes: readonly Change[]): void;
};

/** The `/v1/sync` WebSocket protocol: hello, catch-up or snapshot, live fan-out, and pushes. */
export function createSyncHub({ store, auth, accounts, pusher, metrics, log, o }: Deps) {
  const conns = new Set<Conn>();
  // Routing is created after the hub (it sends through it): attached by the server's wiring.
  let routing: RoutingHooks | null = null;
  let supervision: SupervisionHooks | null = null;
  const connectedAgents = new Map<string, number>();
  let published = store.head();
  const changeListeners: ((changes: readonly Change[]) => void)[] = [];
  const typingListeners: ((agentId: string, conversationId: string, on: boolean) => void)[] = [];
  const readListeners: ((agentId: string, conversationId: string) => void)[] = [];
  // Group commit: pushes read in one turn of the event loop are applied in one transaction, so
  // one synchronous (durable) commit serves them all; each is answered after that commit.
  let queued: QueuedPush[] = [];

  const send = (c: Conn, f: ServerFrame): void => {
    if (c.ws.readyState === c.ws.OPEN) c.ws.send(JSON.stringify(f));
  };
  // Resolves once the frame is handed to the socket, so long catch-ups respect backpressure.
  const sendPaced = (c: Conn, f: ServerFrame) =>
    new Promise<void>((resolve) =>
      c.ws.readyState === c.ws.OPEN ? c.ws.send(JSON.stringify(f), () => resolve()) : resolve(),
    );
  const fail = (c: Conn, code: RelayErrorCode, message: string, extra: { batch?: number } = {}) =>
    send(c, { t: 'error', code, message, ...extra });
  const shut = (c: Conn, code: RelayErrorCode, message: string, close: number) => {
    fail(c, code, message);
    c.ws.close(close, message.slice(0, 120));
  };

  const heartbeat = setInterval(
    guarded(log, 'sync heartbeat', () => {
      const now = o.now();
      for (const c of conns) {
        // A connection lives no longer than its access token unless the client re-authenticates.
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
    }),
    o.heartbeatMs,
  );
  heartbeat.unref();

  async function snapshot(c: Conn, viewer: Viewer, gen: number): Promise<void> {
    const head = store.head();
    const total = store.snapshotTotal(viewer, head);
    send(c, { t: 'snapshotBegin', total, head });
    let after = 0;
    let done = 0;
    for (;;) {
      if (c.gen !== gen) return;
      const changes = store.snapshotPage(viewer, after, head, o.pageSize);
      if (changes.length === 0) break;
      done += changes.length;
      after = changes.at(-1)!.seq;
      await sendPaced(c, { t: 'snapshot', changes, done, total: Math.max(total, done) });
      if (changes.length < o.pageSize) break;
    }
    if (c.gen !== gen) return;
    // Records changed during the snapshot moved past `head`; the catch-up that follows sends them.
    send(c, { t: 'snapshotEnd', cursor: head });
    c.cursor = head;
  }

  async function catchUp(c: Conn): Promise<void> {
    if (c.catchingUp) return;
    c.catchingUp = true;
    c.live = false;
    // Where this catch-up started: scope moves since then are settled with its last page.
    let from = c.cursor;
    try {
      for (;;) {
        const viewer = c.viewer;
        if (!viewer || c.ws.readyState !== c.ws.OPEN) return;
        const gen = c.gen;
        if (
          c.forceSnapshot ||
          (c.cursor < store.floor() && c.cursor !== store.head()) ||
          c.cursor > store.head()
        ) {
          c.forceSnapshot = false;
          await snapshot(c, viewer, gen);
          from = c.cursor; // a snapshot is whole: nothing before it to settle
          continue;
        }
        const t0 = performance.now();
        const changes = store.changesAfter(viewer, c.cursor, o.pageSize);
        const more = changes.length === o.pageSize;
        // When caught up, the cursor jumps to the head: the entries in between are not visible.
        const cursor = more ? changes.at(-1)!.seq : store.head();
        const last = more ? changes : [...changes, ...scopeCatchUp(viewer, from, cursor)];
        const sent = more
          ? sendPaced(c, { t: 'changes', changes, cursor, more })
          : send(c, { t: 'changes', changes: last, cursor, more });
        metrics.pull.observe(performance.now() - t0);
        if (c.gen !== gen) continue;
        c.cursor = cursor;
        if (!more) {
          c.live = true;
          return;
        }
        await sent;
        if (c.gen !== gen) continue;
      }
    } finally {
      c.catchingUp = false;
    }
  }

  /** Runs a catch-up in the background; a failure is logged and ends this connection alone. */
  function startCatchUp(c: Conn): void {
    catchUp(c).catch((err: unknown) => {
      log.error({ err }, 'sync catch-up failed');
      shut(c, RELAY_ERR.INTERNAL, 'The relay failed to send changes; reconnect.', RELAY_CLOSE.INTERNAL);
    });
  }

  /**
   * Scope moves an app missed while it was away (live connections get them from sendScopeMoves):
   * a conversation it may have held and no longer sees gets a tombstone; one it now sees through a
   * team or assignee that changed since `from` comes whole (its older thread was never sent to it).
   * Nothing for a fresh app (`from` 0: the catch-up is everything it sees) or an admin (sees all).
   */
  function scopeCatchUp(viewer: Viewer, from: number, head: number): Change[] {
    if (from === 0 || viewer.role === 'admin') return [];
    const out: Change[] = [];
    for (const [convId, fields] of store.scopeMovesAfter(from)) {
      const scope = store.scopeOf(convId);
      if (!scope) continue;
      if (canSee(viewer, convId, scope)) {
        const viaTeam = scope.teamId !== null && viewer.teamIds.has(scope.teamId);
        if (fields.has(viaTeam ? 'teamId' : 'assigneeId')) out.push(...store.conversationRecords(convId));
      } else {
        const past = store.pastScopes(convId);
        if ([...viewer.teamIds].some((t) => past.teamIds.has(t)) || past.assigneeIds.has(viewer.agentId))
          out.push({ seq: head, entity: 'conversation', id: convId, data: null, clocks: {}, deleted: true });
      }
    }
    return out;
  }

  /**
   * A conversation moved to another team or assignee: whoever lost sight of it gets a tombstone
   * (the app drops it and its thread from the cache); whoever gained it gets the whole thread, which
   * live fan-out alone would not carry (only the changed record).
   */
  function sendScopeMoves(live: readonly Conn[], head: number): void {
    for (const [convId, before] of store.takeScopeMoves()) {
      const after = store.scopeOf(convId);
      let thread: Buffer | null = null;
      const gone = Buffer.from(
        JSON.stringify({
          t: 'changes',
          changes: [{ seq: head, entity: 'conversation', id: convId, data: null, clocks: {}, deleted: true }],
          cursor: head,
          more: false,
        } satisfies ServerFrame),
      );
      for (const c of live) {
        const v = c.viewer!;
        const saw = canSee(v, convId, before);
        const sees = canSee(v, convId, after);
        if (saw === sees || c.ws.readyState !== c.ws.OPEN) continue;
        if (saw) c.ws.send(gone, { binary: false });
        else {
          thread ??= Buffer.from(
            JSON.stringify({
              t: 'changes',
              changes: store.conversationRecords(convId),
              cursor: head,
              more: false,
            } satisfies ServerFrame),
          );
          c.ws.send(thread, { binary: false });
        }
      }
    }
  }

  /** Sends every change written since the last call to each live connection allowed to see it. */
  function publish(): void {
    const head = store.head();
    if (head <= published) return;
    const rows = store.writtenBetween(published, head);
    published = head;
    const changes = rows.map((r) => r.change);
    routing?.onChanges(changes);
    for (const l of changeListeners) l(changes);
    // Compaction rides on writes so a log never grows far past its retention between timer runs.
    if (head - store.floor() > o.logRetention) store.compact(o.logRetention);
    const scopes = new Map<string, ConversationScope | null>();
    for (const r of rows)
      if (r.convId && !scopes.has(r.convId)) scopes.set(r.convId, store.scopeOf(r.convId));
    // Recipients by audience: index the live connections once, then each row goes to its team,
    // its assignee and the admins (or to everyone, for records of no conversation). The same rule
    // as canSee, in O(connections + rows x audience) rather than O(connections x rows).
    const live: Conn[] = [];
    const admins: Conn[] = [];
    const byTeam = new Map<string, Conn[]>();
    const byAgent = new Map<string, Conn[]>();
    const push = <K>(m: Map<K, Conn[]>, k: K, c: Conn) => {
      const l = m.get(k);
      if (l) l.push(c);
      else m.set(k, [c]);
    };
    for (const c of conns) {
      if (!c.live || !c.viewer || c.catchingUp) continue;
      c.cursor = head;
      live.push(c);
      if (c.viewer.role === 'admin') admins.push(c);
      else {
        for (const t of c.viewer.teamIds) push(byTeam, t, c);
        push(byAgent, c.viewer.agentId, c);
      }
    }
    const visible = new Map<Conn, number[]>();
    const give = (i: number) => (c: Conn) => {
      const l = visible.get(c);
      if (!l) visible.set(c, [i]);
      else if (l.at(-1) !== i) l.push(i);
    };
    rows.forEach((r, i) => {
      const add = give(i);
      if (!r.convId) return live.forEach(add);
      admins.forEach(add);
      const scope = scopes.get(r.convId);
      if (scope?.teamId) byTeam.get(scope.teamId)?.forEach(add);
      if (scope?.assigneeId) byAgent.get(scope.assigneeId)?.forEach(add);
    });
    sendScopeMoves(live, head);
    // Connections that may see the same rows (a team's members, say) get the same frame: encode it
    // once per distinct set of rows, not once per connection.
    const encoded = new Map<string, Buffer>();
    for (const [c, indices] of visible) {
      const key = indices.join(',');
      let frame = encoded.get(key);
      if (!frame) {
        const changes = indices.map((i) => rows[i]!.change);
        frame = Buffer.from(
          JSON.stringify({ t: 'changes', changes, cursor: head, more: false } satisfies ServerFrame),
        );
        encoded.set(key, frame);
      }
      if (c.ws.readyState === c.ws.OPEN) c.ws.send(frame, { binary: false });
    }
  }

  /** The principal of an access token, or null after telling the client why and closing (4401/4410). */
  function authenticateOrShut(c: Conn, accessToken: string): Principal | null {
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

  function onHello(c: Conn, f: Extract<ClientFrame, { t: 'hello' }>): void {
    if (f.protocol !== SYNC_PROTOCOL_VERSION) {
      return shut(
        c,
        RELAY_ERR.PROTOCOL,
        `This relay speaks sync protocol ${SYNC_PROTOCOL_VERSION}, not ${f.protocol}.`,
        RELAY_CLOSE.PROTOCOL,
      );
    }
    const p = authenticateOrShut(c, f.accessToken);
    if (!p) return;
    c.principal = p;
    c.viewer = viewerOf(p, accounts);
    c.cursor = f.cursor;
    auth.touch(p.deviceId);
    const head = store.head();
    const resync = (f.cursor < store.floor() && f.cursor !== head) || f.cursor > head;
    send(c, { t: 'welcome', agent: accounts.publicAgent(p.agentId), deviceId: p.deviceId, head, resync });
    log.info({ agent: p.agentId, device: p.deviceId, cursor: f.cursor, head, resync }, 'sync hello');
    startCatchUp(c);
    connectedAgents.set(p.agentId, (connectedAgents.get(p.agentId) ?? 0) + 1);
    routing?.agentConnected(p.agentId);
    supervision?.connected(p.agentId);
  }

  function onPush(c: Conn, p: Principal, v: Viewer, f: Extract<ClientFrame, { t: 'push' }>): void {
    if (f.mutations.length > o.maxMutationsPerBatch) {
      return fail(
        c,
        RELAY_ERR.BATCH_TOO_LARGE,
        `A push may carry at most ${o.maxMutationsPerBatch} mutations; split the batch.`,
        { batch: f.batch },
      );
    }
    c.deferred = [];
    if (queued.push({ c, p, v, f }) === 1) setImmediate(guarded(log, 'push commit', commitPushes));
  }

  function commitPushes(): void {
    const batch = queued;
    queued = [];
    const t0 = performance.now();
    let outcomes: PushOutcome[][];
    try {
      outcomes = pusher
        .pushMany(batch.map((b) => ({ p: b.p, viewer: b.v, mutations: b.f.mutations })))
        .map((r) => r.results);
    } catch (err) {
      log.error({ err }, 'push commit failed');
      outcomes = batch.map(() => []);
      for (const b of batch)
        fail(b.c, RELAY_ERR.INTERNAL, 'The relay failed to store this push.', { batch: b.f.batch });
    }
    const ms = performance.now() - t0;
    for (const results of outcomes) {
      metrics.push.observe(ms);
      for (const r of results) {
        if (r.status === 'applied') metrics.applied += 1;
        else if (r.status === 'duplicate') metrics.duplicates += 1;
        else metrics.reject(r.code);
      }
    }
    // Pushers get their own changes first, so their stores hold the relay's state when they ack.
    // A failed fan-out is logged and the pushes still answered: they are committed either way.
    guarded(log, 'fan-out after push', publish)();
    batch.forEach((b, i) => {
      if (outcomes[i]!.length > 0 || b.f.mutations.length === 0)
        send(b.c, { t: 'pushResult', batch: b.f.batch, results: outcomes[i]! });
    });
    for (const b of batch) {
      const later = b.c.deferred;
      b.c.deferred = null;
      for (const text of later ?? []) receive(b.c, text);
    }
  }

  /** Handles one text frame, or keeps it for after the group commit of an earlier push. */
  function receive(c: Conn, text: string): void {
    if (c.deferred) return void c.deferred.push(text);
    try {
      onMessage(c, text);
    } catch (err) {
      log.error({ err }, 'sync frame failed');
      fail(c, RELAY_ERR.INTERNAL, 'The relay failed to handle this frame.');
    }
  }

  function onMessage(c: Conn, text: string): void {
    if (!c.bucket.take()) {
      c.strikes += 1;
      if (c.strikes > o.rateLimit.burst)
        return shut(c, RELAY_ERR.RATE_LIMITED, 'Too many frames; slow down.', RELAY_CLOSE.RATE_LIMITED);
      return fail(
        c,
        RELAY_ERR.RATE_LIMITED,
        `More than ${o.rateLimit.perSecond} frames per second; this frame was dropped.`,
      );
    }
    c.strikes = 0;
    let json: unknown;
    try {
      json = parseJsonInput(text, o.maxJsonDepth, 'The frame');
    } catch (err) {
      const e = err instanceof RelayError ? err : new RelayError(RELAY_ERR.BAD_FRAME, 'Unreadable frame.');
      if (!c.principal)
        return shut(
          c,
          e.code,
          `The first frame must be a hello in JSON. ${e.message}`,
          RELAY_CLOSE.UNAUTHORIZED,
        );
      return fail(c, e.code, e.message);
    }
    const parsed = clientFrameSchema.safeParse(json);
    if (!parsed.success) {
      const type = (json as { t?: unknown } | null)?.t;
      const msg =
        typeof type === 'string' &&
        ![
          'hello',
          'push',
          'pull',
          'presence',
          'offerReply',
          'reauth',
          'typing',
          'read',
          'movedSeen',
          'watch',
        ].includes(type)
          ? `Unknown frame type "${type.slice(0, 32)}".`
          : `Malformed frame: ${describeIssues(parsed.error.issues)}`;
      if (!c.principal)
        return shut(
          c,
          RELAY_ERR.BAD_FRAME,
          `The first frame must be a hello. ${msg}`,
          RELAY_CLOSE.UNAUTHORIZED,
        );
      return fail(c, RELAY_ERR.BAD_FRAME, msg);
    }
    const f = parsed.data;
    if (!c.principal || !c.viewer) {
      if (f.t !== 'hello')
        return shut(c, RELAY_ERR.UNAUTHORIZED, 'The first frame must be a hello.', RELAY_CLOSE.UNAUTHORIZED);
      return onHello(c, f);
    }
    switch (f.t) {
      case 'hello':
        return fail(c, RELAY_ERR.PROTOCOL, 'hello was already received on this connection.');
      case 'pull':
        c.cursor = f.cursor;
        c.gen += 1;
        c.live = false;
        return startCatchUp(c);
      case 'push':
        return onPush(c, c.principal, c.viewer, f);
      case 'reauth': {
        const p = authenticateOrShut(c, f.accessToken);
        if (!p) return;
        if (p.agentId !== c.principal.agentId || p.deviceId !== c.principal.deviceId)
          return shut(
            c,
            RELAY_ERR.UNAUTHORIZED,
            'reauth must name the same agent and device.',
            RELAY_CLOSE.UNAUTHORIZED,
          );
        c.principal = p;
        c.viewer = viewerOf(p, accounts);
        return;
      }
      case 'presence':
        routing?.setPresence(c.principal.agentId, f.state);
        return supervision?.presence(c.principal.agentId, f.state);
      case 'watch': {
        const p = c.principal;
        c.watcher ??= {
          agentId: p.agentId,
          send: (text) => {
            if (c.ws.readyState === c.ws.OPEN) c.ws.send(text);
          },
        };
        if (supervision?.watch(c.watcher, f.on)) return;
        if (!f.on) return;
        return fail(
          c,
          RELAY_ERR.FORBIDDEN,
          'Only supervisors (for their teams) and admins may watch the live view.',
        );
      }
      case 'offerReply': {
        const assigned = routing?.reply(c.principal.agentId, f.offerId, f.accept) ?? false;
        if (f.accept) send(c, { t: 'offerResult', offerId: f.offerId, assigned });
        return;
      }
      case 'typing':
        for (const l of typingListeners) l(c.principal.agentId, f.conversationId, f.on);
        return;
      case 'read':
        for (const l of readListeners) l(c.principal.agentId, f.conversationId);
        return;
      case 'movedSeen':
        return routing?.movedSeen(c.principal.agentId, f.upTo);
      default: {
        const never: never = f;
        return fail(c, RELAY_ERR.BAD_FRAME, `Unhandled frame ${String(never)}.`);
      }
    }
  }

  return {
    publish,

    attachRouting(r: RoutingHooks): void {
      routing = r;
    },

    attachSupervision(s: SupervisionHooks): void {
      supervision = s;
    },

    /** Whether an app of this agent is connected now. */
    isConnected: (agentId: string): boolean => connectedAgents.has(agentId),

    /** Sees every change fanned out, after routing (web chat pushes agents' replies to visitors). */
    onChanges(listener: (changes: readonly Change[]) => void): void {
      changeListeners.push(listener);
    },

    /** Hears agents' typing frames (web chat shows them to the customer, if theirs to see). */
    onAgentTyping(listener: (agentId: string, conversationId: string, on: boolean) => void): void {
      typingListeners.push(listener);
    },

    /** Hears agents' read frames (web chat shows the customer a read receipt). */
    onAgentRead(listener: (agentId: string, conversationId: string) => void): void {
      readListeners.push(listener);
    },

    /** Sends a frame to every live connection of an agent (offers). */
    sendToAgent(agentId: string, frame: ServerFrame): void {
      for (const c of conns) if (c.principal?.agentId === agentId) send(c, frame);
    },

    /** Serves one upgraded socket until it closes. */
    accept(ws: WebSocket): void {
      const c: Conn = {
        ws,
        principal: null,
        viewer: null,
        cursor: 0,
        live: false,
        catchingUp: false,
        gen: 0,
        forceSnapshot: false,
        alive: true,
        bucket: new TokenBucket(o.rateLimit.perSecond, o.rateLimit.burst),
        strikes: 0,
        deferred: null,
        watcher: null,
      };
      conns.add(c);
      metrics.connections += 1;
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
      ws.on('close', () => {
        clearTimeout(helloTimer);
        c.gen += 1;
        conns.delete(c);
        metrics.connections -= 1;
        if (c.watcher) supervision?.gone(c.watcher);
        const agentId = c.principal?.agentId;
        if (agentId) {
          const left = (connectedAgents.get(agentId) ?? 1) - 1;
          if (left > 0) connectedAgents.set(agentId, left);
          else {
            connectedAgents.delete(agentId);
            // A routing failure here must not escape the socket's close event (it would stop the relay).
            guarded(log, 'routing on disconnect', () => routing?.agentDisconnected(agentId))();
            guarded(log, 'board on disconnect', () => supervision?.disconnected(agentId))();
          }
        }
      });
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
      for (const c of conns) {
        if (c.principal?.agentId !== agentId) continue;
        if (role) c.principal = { ...c.principal, role };
        c.viewer = viewerOf(c.principal, accounts);
        c.forceSnapshot = true;
        c.gen += 1;
        startCatchUp(c);
      }
    },

    close(): void {
      clearInterval(heartbeat);
      for (const c of conns) c.ws.close(1001, 'relay shutting down');
    },
  };
}
