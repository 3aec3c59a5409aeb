import WebSocket from 'ws';
import {
  RELAY_CLOSE,
  RELAY_ERR,
  SYNC_PROTOCOL_VERSION,
  type ClientFrame,
  type OfferView,
  type PushedMutation,
  type ServerFrame,
} from '../../shared/sync/protocol';
import type { AgentState } from '../../shared/agentState';
import type { MovedWhileAway } from '../../shared/routing';
import type { Logger } from '../base/logger';
import { LOCAL_ERR, LocalError } from '../base/errors';
import type { SupervisorBoard, SupervisorNotice } from '../../shared/supervisor';
import type { AgentIdentity, LocalStore } from '../store/localStore';
import * as auth from './authClient';
import { fullJitterDelay } from './backoff';

export type SyncStatus = 'online' | 'offline' | 'connecting' | 'syncing' | 'revoked' | 'signedOut';
/** What the UI shows: connection status, changes waiting, snapshot progress, the last problem. */
export type SyncState = {
  status: SyncStatus;
  pending: number;
  progress?: { done: number; total: number };
  lastError?: { code: string; message: string };
};

/** Routing news for this agent: work offered, an offer gone, the answer to an accept. */
export type RoutingEvent =
  | { type: 'offer'; offer: OfferView }
  | { type: 'withdrawn'; offerId: string; reason: string }
  | { type: 'result'; offerId: string; assigned: boolean }
  | { type: 'typing'; conversationId: string; on: boolean }
  /** Live work that moved to colleagues while this agent was offline (until sendMovedSeen). */
  | { type: 'moved'; moved: MovedWhileAway[] };

/** The supervisor's live board (pushed while watching), and what supervisors did to this agent. */
export type SupervisionEvent =
  { type: 'board'; board: SupervisorBoard } | { type: 'notice'; notice: SupervisorNotice };

export type SyncClientOptions = {
  /** Base URL of the relay, e.g. `http://127.0.0.1:8080`; the socket is `<ws>/v1/sync`. */
  relayUrl: string;
  store: LocalStore;
  log: Logger;
  /** Called once when the relay revoked this device: close the store and wipe cache and key here. */
  onRevoked: (reason: string) => void | Promise<void>;
  /** Called when the relay ended the session (disabled account, reset password) with its code and reason. */
  onSignedOut?: (code: string, message: string) => void;
  /** First reconnect delay ceiling. Default 500 ms. */
  backoffBaseMs?: number;
  /** Largest reconnect delay ceiling: an agent back online waits at most this long. Default 10 000 ms. */
  backoffCapMs?: number;
  /** Ping interval; a socket silent for two intervals is dropped. Default 15 000 ms. */
  heartbeatMs?: number;
  /** Mutations per push (the relay accepts up to 500). Default 500. */
  batchSize?: number;
  /** Serialized size a push batch stays under (the relay's frame limit is 1 MiB). Default 512 KiB. */
  maxBatchBytes?: number;
  /** Push batches in flight at once (answers still come in order). Default 2. */
  pipeline?: number;
  /** Time allowed for the WebSocket handshake and then for the relay's welcome. Default 10 s. */
  connectTimeoutMs?: number;
  /** Refresh the access token this long before it expires. Default 60 000 ms. */
  refreshMarginMs?: number;
  /** Randomness for backoff jitter. Default Math.random. */
  random?: () => number;
};

type Conn = {
  ws: WebSocket;
  alive: boolean;
  welcomed: boolean;
  caughtUp: boolean;
  heartbeat: NodeJS.Timeout;
};

/**
 * Keeps the local store in step with the relay: hello with cursor and token, catch-up or snapshot,
 * in-order pushes of the outbox one batch at a time, live changes, reconnect with backoff and
 * jitter, heartbeat, token refresh, and revocation. State changes go to `onState` listeners.
 */
export class SyncClient {
  private readonly o: Required<
    Omit<SyncClientOptions, 'store' | 'log' | 'onRevoked' | 'onSignedOut' | 'relayUrl'>
  >;
  private s: SyncState;
  private readonly listeners = new Set<(s: SyncState) => void>();
  private conn: Conn | null = null;
  private running = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;
  /** Batches sent and not yet answered, oldest first (at most `pipeline`). */
  private inflight: { batch: number; ids: string[] }[] = [];
  private batchNo = 0;
  private batchSize: number;
  private indexing = false;
  private presence: AgentState | null = null;
  private readonly routingListeners = new Set<(e: RoutingEvent) => void>();
  private readonly supervisionListeners = new Set<(e: SupervisionEvent) => void>();
  /** Whether this app watches the supervisor's board (said again on every connection). */
  private watching = false;

  private emitRouting(e: RoutingEvent): void {
    for (const l of this.routingListeners) l(e);
  }
  private readonly unsubscribe: () => void;

  /** See SyncClientOptions for defaults. */
  constructor(private readonly opts: SyncClientOptions) {
    this.o = {
      backoffBaseMs: opts.backoffBaseMs ?? 500,
      backoffCapMs: opts.backoffCapMs ?? 10_000,
      heartbeatMs: opts.heartbeatMs ?? 15_000,
      batchSize: opts.batchSize ?? 500,
      maxBatchBytes: opts.maxBatchBytes ?? 512 * 1024,
      pipeline: opts.pipeline ?? 2,
      connectTimeoutMs: opts.connectTimeoutMs ?? 10_000,
      refreshMarginMs: opts.refreshMarginMs ?? 60_000,
      random: opts.random ?? Math.random,
    };
    this.batchSize = this.o.batchSize;
    this.s = { status: this.session() ? 'offline' : 'signedOut', pending: opts.store.pendingCount() };
    this.unsubscribe = opts.store.onChange((c) => {
      this.update({ pending: c.pending });
      if (c.reason === 'mutate') this.pushNext();
    });
  }

  state(): SyncState {
    return { ...this.s };
  }

  /** Subscribes to state changes; returns the unsubscribe function. */
  onState(listener: (s: SyncState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Subscribes to routing: offers of work, their withdrawal, and the answers to accepts. */
  onRouting(listener: (e: RoutingEvent) => void): () => void {
    this.routingListeners.add(listener);
    return () => this.routingListeners.delete(listener);
  }

  /** Subscribes to the supervisor's board and to supervisors' notices to this agent. */
  onSupervision(listener: (e: SupervisionEvent) => void): () => void {
    this.supervisionListeners.add(listener);
    return () => this.supervisionListeners.delete(listener);
  }

  /**
   * Starts or stops receiving the live board; said again after every reconnect, so a wallboard
   * survives a relay restart by itself. The relay refuses people who are not supervisors or admins.
   */
  watchBoard(on: boolean): void {
    this.watching = on;
    const c = this.conn;
    if (c?.welcomed && c.ws.readyState === WebSocket.OPEN)
      c.ws.send(JSON.stringify({ t: 'watch', on } satisfies ClientFrame));
  }

  /**
   * The agent's routing state; sent now if connected and again after every reconnect (the relay
   * treats a disconnected agent as unavailable after its grace period).
   */
  setPresence(state: AgentState): void {
    this.presence = state;
    const c = this.conn;
    if (c?.welcomed && c.ws.readyState === WebSocket.OPEN)
      c.ws.send(JSON.stringify({ t: 'presence', state }));
  }

  /** Answers an offer; false when offline (the offer will expire and go to someone else). */
  /** Tells the relay the agent is (or stopped) typing; false when offline (typing is not queued). */
  sendTyping(conversationId: string, on: boolean): boolean {
    const c = this.conn;
    if (!c?.welcomed || c.ws.readyState !== WebSocket.OPEN) return false;
    c.ws.send(JSON.stringify({ t: 'typing', conversationId, on } satisfies ClientFrame));
    return true;
  }

  /** Tells the relay the agent saw what moved while they were away, up to `upTo`; false when offline. */
  sendMovedSeen(upTo: string): boolean {
    const c = this.conn;
    if (!c?.welcomed || c.ws.readyState !== WebSocket.OPEN) return false;
    c.ws.send(JSON.stringify({ t: 'movedSeen', upTo } satisfies ClientFrame));
    return true;
  }

  /** Tells the relay the agent read a conversation (web chat read receipts); false when offline. */
  sendRead(conversationId: string): boolean {
    const c = this.conn;
    if (!c?.welcomed || c.ws.readyState !== WebSocket.OPEN) return false;
    c.ws.send(JSON.stringify({ t: 'read', conversationId } satisfies ClientFrame));
    return true;
  }

  /**
   * Calls a relay path with the agent's access token, refreshed first when due (attachments,
   * recordings). GET unless `init` says otherwise.
   */
  async fetchWithToken(
    path: string,
    timeoutMs = 60_000,
    init: { method?: string; headers?: Record<string, string>; body?: Uint8Array } = {},
  ): Promise<Response> {
    await this.ensureFreshToken();
    const token = this.session()!.accessToken;
    try {
      return await fetch(new URL(path, this.opts.relayUrl), {
        ...(init.method ? { method: init.method } : {}),
        ...(init.body ? { body: init.body } : {}),
        headers: { ...init.headers, authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new LocalError(LOCAL_ERR.OFFLINE, 'The server cannot be reached.', {
        cause: err instanceof Error ? err.message : String(err),
      });
    }
  }

  replyOffer(offerId: string, accept: boolean): boolean {
    const c = this.conn;
    if (!c?.welcomed || c.ws.readyState !== WebSocket.OPEN) return false;
    c.ws.send(JSON.stringify({ t: 'offerReply', offerId, accept } satisfies ClientFrame));
    return true;
  }

  /** Signs in over HTTP, remembers the session (encrypted in the store) and who this cache belongs to. */
  async login(
    email: string,
    password: string,
    deviceName: string,
    newPassword?: string,
  ): Promise<AgentIdentity> {
    try {
      const t = await auth.login(this.opts.relayUrl, { email, password, deviceName });
      // An admin reset the password: nothing else is accepted until the person chooses a new one.
      if (t.mustChangePassword) {
        if (newPassword === undefined)
          throw new LocalError(
            LOCAL_ERR.PASSWORD_CHANGE_REQUIRED,
            'An admin reset your password: choose a new one to sign in.',
          );
        await auth.changePassword(this.opts.relayUrl, t.accessToken, {
          currentPassword: password,
          newPassword,
        });
      }
      this.saveSession(t);
      const id = { deviceId: t.deviceId, agent: t.agent };
      this.opts.store.setIdentity(id);
      this.update({ status: this.running ? this.s.status : 'offline' });
      return id;
    } catch (err) {
      if (err instanceof auth.RelayHttpError)
        throw new LocalError(LOCAL_ERR.AUTH_FAILED, err.message, { code: err.code });
      throw err;
    }
  }

  /** Starts syncing (and keeps reconnecting) until stop(). Needs a session from login(). */
  start(): void {
    if (this.running || this.s.status === 'revoked') return;
    if (!this.session()) return this.update({ status: 'signedOut' });
    this.running = true;
    void this.connect();
  }

  /** Stops syncing and closes the socket; the outbox stays for next time. */
  stop(): void {
    this.running = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.retryTimer = this.refreshTimer = null;
    this.drop(1000, 'client stopping');
    if (this.s.status !== 'revoked' && this.s.status !== 'signedOut') this.update({ status: 'offline' });
  }

  /** Stops, forgets the tokens, and reports signedOut. Local data stays. */
  signOut(): void {
    this.stop();
    this.opts.store.setSession(null);
    this.update({ status: 'signedOut' });
  }

  /** Stops for good: call before closing the store. */
  dispose(): void {
    this.stop();
    this.unsubscribe();
    this.listeners.clear();
  }

  // --- connection ---------------------------------------------------------------------------

  private async connect(): Promise<void> {
    if (!this.running) return;
    this.update({ status: 'connecting' });
    try {
      await this.ensureFreshToken();
    } catch (err) {
      return this.onAuthFailure(err);
    }
    if (!this.running) return;
    const url = new URL('/v1/sync', this.opts.relayUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url, { handshakeTimeout: this.o.connectTimeoutMs });
    const conn: Conn = {
      ws,
      alive: true,
      welcomed: false,
      caughtUp: false,
      heartbeat: setInterval(() => this.beat(conn), this.o.heartbeatMs),
    };
    this.conn = conn;
    ws.on('open', () => {
      const hello: ClientFrame = {
        t: 'hello',
        protocol: SYNC_PROTOCOL_VERSION,
        accessToken: this.session()!.accessToken,
        cursor: this.opts.store.cursor(),
      };
      ws.send(JSON.stringify(hello));
      // A relay that accepts the socket but never welcomes it (overloaded, half-open) must not
      // leave the app "connecting": give up on this socket and retry with backoff.
      setTimeout(() => {
        if (!conn.welcomed && this.conn === conn) ws.terminate();
      }, this.o.connectTimeoutMs).unref();
    });
    ws.on('pong', () => (conn.alive = true));
    ws.on('message', (raw: WebSocket.RawData) => {
      conn.alive = true;
      if (this.conn !== conn) return;
      try {
        this.onFrame(conn, JSON.parse(raw.toString()) as ServerFrame);
      } catch (err) {
        // A frame we cannot apply must not be skipped: drop the connection and catch up again.
        this.opts.log.error({ err }, 'sync frame failed');
        this.update({ lastError: { code: LOCAL_ERR.OFFLINE, message: 'Sync hit an error and will retry.' } });
        ws.terminate();
      }
    });
    ws.on('error', (err) => this.opts.log.debug({ err: err.message }, 'sync socket error'));
    ws.on('close', (code, reason) => this.onClose(conn, code, reason.toString()));
  }

  /** Heartbeat: a socket that answered nothing since the last ping is dead, even if TCP says otherwise. */
  private beat(conn: Conn): void {
    if (!conn.alive) {
      this.opts.log.info('sync socket silent; dropping it');
      conn.ws.terminate();
      return;
    }
    conn.alive = false;
    if (conn.ws.readyState === WebSocket.OPEN) conn.ws.ping();
  }

  private onClose(conn: Conn, code: number, reason: string): void {
    clearInterval(conn.heartbeat);
    if (this.conn !== conn) return;
    this.conn = null;
    this.inflight = [];
    if (code === RELAY_CLOSE.DEVICE_REVOKED) return void this.revoke(reason || 'This device was revoked.');
    if (code === RELAY_CLOSE.ACCOUNT_DISABLED)
      return this.endedByRelay(
        RELAY_ERR.ACCOUNT_DISABLED,
        reason || 'This account was disabled by an admin.',
      );
    if (!this.running || this.s.status === 'revoked' || this.s.status === 'signedOut') return;
    const delay = fullJitterDelay(this.attempt++, this.o.backoffBaseMs, this.o.backoffCapMs, this.o.random);
    this.opts.log.info({ code, reason, delay }, 'sync disconnected; retrying');
    this.update({ status: 'offline', progress: undefined });
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }

  private drop(code: number, reason: string): void {
    const c = this.conn;
    this.conn = null;
    this.inflight = [];
    if (!c) return;
    clearInterval(c.heartbeat);
    if (c.ws.readyState === WebSocket.OPEN) c.ws.close(code, reason);
    else c.ws.terminate();
  }

  /** Closes the socket and reconnects at once (after a token refresh, a resync request...). */
  private reconnectNow(): void {
    this.drop(1000, 'reconnecting');
    if (this.running) void this.connect();
  }

  // --- frames -------------------------------------------------------------------------------

  private onFrame(conn: Conn, f: ServerFrame): void {
    const store = this.opts.store;
    switch (f.t) {
      case 'welcome':
        conn.welcomed = true;
        this.attempt = 0;
        store.setIdentity({ deviceId: f.deviceId, agent: f.agent });
        this.update({ status: 'syncing', lastError: undefined });
        if (this.presence) conn.ws.send(JSON.stringify({ t: 'presence', state: this.presence }));
        if (this.watching) conn.ws.send(JSON.stringify({ t: 'watch', on: true } satisfies ClientFrame));
        return;
      case 'changes':
        store.applyChanges(f.changes, f.cursor);
        if (!f.more && !conn.caughtUp) {
          conn.caughtUp = true;
          this.pushNext();
        }
        return this.settle();
      case 'snapshotBegin':
        conn.caughtUp = false;
        store.beginResync();
        return this.update({ status: 'syncing', progress: { done: 0, total: f.total } });
      case 'snapshot':
        store.applySnapshotPage(f.changes);
        return this.update({ progress: { done: f.done, total: f.total } });
      case 'snapshotEnd':
        store.endResync(f.cursor);
        return this.update({ progress: undefined });
      case 'pushResult':
        // Answers come in the order batches were sent; an unknown batch (sent on an earlier
        // connection) is ignored: its mutations are still in the outbox and are resent.
        if (this.inflight[0]?.batch !== f.batch) return;
        this.inflight.shift();
        store.acknowledge(f.results);
        this.pushNext();
        return this.settle();
      case 'offer':
        return this.emitRouting({ type: 'offer', offer: f.offer });
      case 'offerWithdrawn':
        return this.emitRouting({ type: 'withdrawn', offerId: f.offerId, reason: f.reason });
      case 'offerResult':
        return this.emitRouting({ type: 'result', offerId: f.offerId, assigned: f.assigned });
      case 'typing':
        return this.emitRouting({ type: 'typing', conversationId: f.conversationId, on: f.on });
      case 'movedWhileAway':
        return this.emitRouting({ type: 'moved', moved: f.moved });
      case 'board':
        for (const l of this.supervisionListeners) l({ type: 'board', board: f.board });
        return;
      case 'supervisorNotice':
        for (const l of this.supervisionListeners) l({ type: 'notice', notice: f.notice });
        return;
      case 'error':
        return this.onRelayError(conn, f);
      default: {
        const never: never = f;
        this.opts.log.warn({ frame: (never as { t?: unknown }).t }, 'unknown frame from relay');
      }
    }
  }

  private onRelayError(conn: Conn, f: Extract<ServerFrame, { t: 'error' }>): void {
    this.opts.log.warn({ code: f.code, message: f.message }, 'relay error');
    this.update({ lastError: { code: f.code, message: f.message } });
    switch (f.code) {
      case RELAY_ERR.DEVICE_REVOKED:
        return void this.revoke(f.message);
      // PASSWORD_CHANGE_REQUIRED: an app that was offline when an admin reset the password hears
      // it at its next hello.
      case RELAY_ERR.ACCOUNT_DISABLED:
      case RELAY_ERR.SESSION_ENDED:
      case RELAY_ERR.PASSWORD_CHANGE_REQUIRED:
        return this.endedByRelay(f.code, f.message);
      case RELAY_ERR.TOKEN_EXPIRED:
        // Force a refresh on the next connect.
        this.expireSession();
        return this.reconnectNow();
      case RELAY_ERR.UNAUTHORIZED:
        if (!conn.welcomed) this.expireSession();
        return;
      case RELAY_ERR.BATCH_TOO_LARGE:
        if (f.batch !== undefined && this.inflight[0]?.batch === f.batch) {
          this.batchSize = Math.max(1, Math.floor(this.inflight[0].ids.length / 2));
          // Later batches may still be answered; ignored, their mutations are resent (as duplicates
          // if the relay applied them).
          this.inflight = [];
          this.pushNext();
        }
        return;
      default:
        // RATE_LIMITED and the rest: an unanswered batch is resent on the next connection.
        return;
    }
  }

  /**
   * Keeps up to `pipeline` batches of the outbox in flight while the connection is caught up, so
   * the relay applies one batch while this app applies the changes of the previous one.
   */
  private pushNext(): void {
    const c = this.conn;
    while (c && c.caughtUp && c.ws.readyState === WebSocket.OPEN && this.inflight.length < this.o.pipeline) {
      const skip = this.inflight.reduce((n, b) => n + b.ids.length, 0);
      const pending = this.opts.store.pending(skip + this.batchSize).slice(skip);
      if (pending.length === 0) return this.settle();
      // Fill the batch up to the byte budget as well as the count: a batch of long replies must not
      // exceed the relay's frame limit (it would close the socket with 1009, and the same batch
      // would be resent forever). The first mutation always goes, alone if need be.
      // Each mutation is encoded once: its size counts against the budget and its text goes into
      // the frame as is (the same JSON as encoding the whole frame).
      const parts: string[] = [];
      const ids: string[] = [];
      let bytes = 64;
      for (const m of pending) {
        const wire: PushedMutation = { id: m.id, name: m.name, args: m.args, clock: m.clock };
        const text = JSON.stringify(wire);
        const size = Buffer.byteLength(text) + 1;
        if (parts.length > 0 && bytes + size > this.o.maxBatchBytes) break;
        parts.push(text);
        ids.push(m.id);
        bytes += size;
      }
      const batch = { batch: ++this.batchNo, ids };
      this.inflight.push(batch);
      c.ws.send(`{"t":"push","batch":${batch.batch},"mutations":[${parts.join(',')}]}`);
      this.opts.store.markSent(batch.ids);
      this.update({ status: 'syncing' });
    }
  }

  /** online once caught up with nothing in flight. */
  private settle(): void {
    const c = this.conn;
    if (c?.caughtUp && this.inflight.length === 0 && this.s.progress === undefined) {
      this.update({ status: 'online' });
      this.indexWhenIdle();
    }
  }

  /** Works through the search backlog a catch-up left, a slice per turn of the event loop. */
  private indexWhenIdle(): void {
    if (this.indexing) return;
    this.indexing = true;
    const step = () => {
      try {
        if (this.opts.store.db.open && this.opts.store.indexSearchBacklog()) return void setImmediate(step);
      } catch (err) {
        this.opts.log.warn({ err }, 'search indexing stopped; it resumes after the next catch-up');
      }
      this.indexing = false;
    };
    setImmediate(step);
  }

  // --- tokens and revocation ------------------------------------------------------------------

  private session(): auth.Session | null {
    const raw = this.opts.store.getSession();
    return raw ? (JSON.parse(raw) as auth.Session) : null;
  }

  private saveSession(t: auth.Session): void {
    const s: auth.Session = {
      accessToken: t.accessToken,
      accessExpiresAt: t.accessExpiresAt,
      refreshToken: t.refreshToken,
      deviceId: t.deviceId,
    };
    this.opts.store.setSession(JSON.stringify(s));
    this.scheduleRefresh(s);
  }

  private expireSession(): void {
    const s = this.session();
    if (s) this.opts.store.setSession(JSON.stringify({ ...s, accessExpiresAt: new Date(0).toISOString() }));
  }

  private async ensureFreshToken(): Promise<void> {
    const s = this.session();
    if (!s) throw new auth.RelayHttpError(RELAY_ERR.UNAUTHORIZED, 'Not signed in.', 401);
    if (Date.parse(s.accessExpiresAt) - Date.now() > this.o.refreshMarginMs) return this.scheduleRefresh(s);
    const fresh = await auth.refresh(this.opts.relayUrl, s.refreshToken);
    this.saveSession(fresh);
    // Keep the open connection authenticated too: the relay closes it when its token expires.
    const c = this.conn;
    if (c?.welcomed && c.ws.readyState === WebSocket.OPEN)
      c.ws.send(JSON.stringify({ t: 'reauth', accessToken: fresh.accessToken } satisfies ClientFrame));
  }

  private scheduleRefresh(s: auth.Session): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    if (!this.running) return;
    const wait = Math.max(0, Date.parse(s.accessExpiresAt) - Date.now() - this.o.refreshMarginMs);
    // Refreshes before expiry; ensureFreshToken also re-authenticates the open socket.
    this.refreshTimer = setTimeout(
      () => {
        this.ensureFreshToken().catch((err: unknown) => this.onAuthFailure(err));
      },
      Math.min(wait, 2 ** 31 - 1),
    ).unref();
  }

  private onAuthFailure(err: unknown): void {
    if (err instanceof auth.RelayHttpError) {
      if (err.code === RELAY_ERR.DEVICE_REVOKED) return void this.revoke(err.message);
      if (err.status === 401 || err.status === 403) {
        this.opts.log.warn({ code: err.code }, 'session refused; signing out');
        this.running = false;
        this.drop(1000, 'signed out');
        this.opts.store.setSession(null);
        return this.update({ status: 'signedOut', lastError: { code: err.code, message: err.message } });
      }
    }
    const message = err instanceof Error ? err.message : String(err);
    this.update({ lastError: { code: err instanceof LocalError ? err.code : LOCAL_ERR.OFFLINE, message } });
    // Treat like a dropped connection: back off and try again.
    if (this.conn) return;
    const delay = fullJitterDelay(this.attempt++, this.o.backoffBaseMs, this.o.backoffCapMs, this.o.random);
    this.update({ status: 'offline' });
    if (this.running) this.retryTimer = setTimeout(() => void this.connect(), delay);
  }

  /**
   * The relay ended this session (account disabled, password reset or changed elsewhere): stop,
   * forget the tokens, keep the cache and outbox (they go out after the next sign-in), and say why.
   */
  private endedByRelay(code: string, message: string): void {
    if (this.s.status === 'signedOut' || this.s.status === 'revoked') return;
    this.opts.log.warn({ code, message }, 'session ended by the relay; signing out');
    this.running = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.retryTimer = this.refreshTimer = null;
    this.drop(1000, 'signed out');
    this.opts.store.setSession(null);
    this.update({ status: 'signedOut', progress: undefined, lastError: { code, message } });
    this.opts.onSignedOut?.(code, message);
  }

  private async revoke(reason: string): Promise<void> {
    if (this.s.status === 'revoked') return;
    this.opts.log.warn({ reason }, 'device revoked; wiping the cache');
    this.running = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.drop(1000, 'revoked');
    const pending = this.s.pending;
    this.update({
      status: 'revoked',
      progress: undefined,
      lastError: { code: LOCAL_ERR.DEVICE_REVOKED, message: reason },
    });
    this.unsubscribe();
    await this.opts.onRevoked(reason);
    this.update({
      pending: 0,
      lastError: {
        code: LOCAL_ERR.DEVICE_REVOKED,
        message: `${reason} (${pending} unsent change(s) discarded)`,
      },
    });
  }

  private update(patch: Partial<SyncState> | { [K in keyof SyncState]?: SyncState[K] | undefined }): void {
    const next = { ...this.s, ...patch } as SyncState;
    for (const k of ['progress', 'lastError'] as const)
      if (k in patch && patch[k] === undefined) delete next[k];
    if (JSON.stringify(next) === JSON.stringify(this.s)) return;
    this.s = next;
    for (const l of this.listeners) l(this.state());
  }
}
