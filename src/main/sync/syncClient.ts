import { RELAY_CLOSE, RELAY_ERR, SYNC_PROTOCOL_VERSION } from '../../shared/sync/protocol';
import { presenceOf, type Presence } from '../../shared/agentState';
import { LOCAL_ERR, LocalError } from '../base/errors';
import type { AgentIdentity } from '../store/localStore';
import * as auth from './authClient';
import { Backoff } from './backoff';
import { fetchWithToken, signIn, type TokenFetchInit } from './relayHttp';
import type { RoutingEvent, SupervisionEvent } from './routingEvents';
import { syncLimits, type SyncClientOptions, type SyncLimits } from './syncOptions';
import { OutboxPush } from './outboxPush';
import { SessionTokens } from './sessionTokens';
import { handleFrame, type FrameHost } from './syncFrames';
import { closeSyncSocket, openSyncSocket, sendIfLive, type Conn } from './socket';
import { patchedState, type SyncState, type SyncStatePatch } from './syncState';

export type { RoutingEvent, SupervisionEvent } from './routingEvents';
export type { SyncClientOptions } from './syncOptions';
export type { SyncState, SyncStatus } from './syncState';

/**
 * Keeps the local store in step with the relay: hello with cursor and token, catch-up or snapshot,
 * in-order pushes of the outbox one batch at a time, live changes, reconnect with backoff and
 * jitter, heartbeat, token refresh, and revocation. State changes go to `onState` listeners.
 */
export class SyncClient {
  private readonly o: SyncLimits;
  private s: SyncState;
  private readonly listeners = new Set<(s: SyncState) => void>();
  private conn: Conn | null = null;
  private running = false;
  private readonly backoff: Backoff;
  private readonly tokens: SessionTokens;
  private readonly push: OutboxPush;
  private presence: Presence | null = null;
  private readonly routingListeners = new Set<(e: RoutingEvent) => void>();
  private readonly supervisionListeners = new Set<(e: SupervisionEvent) => void>();
  /** Whether this app watches the supervisor's board (said again on every connection). */
  private watching = false;
  private readonly unsubscribe: () => void;
  private readonly frameHost: FrameHost;

  /** See SyncClientOptions for defaults. */
  constructor(private readonly opts: SyncClientOptions) {
    this.o = syncLimits(opts);
    this.backoff = new Backoff({
      baseMs: this.o.backoffBaseMs,
      capMs: this.o.backoffCapMs,
      random: this.o.random,
    });
    this.tokens = new SessionTokens({
      relayUrl: opts.relayUrl,
      store: opts.store,
      refreshMarginMs: this.o.refreshMarginMs,
      isRunning: () => this.running,
      onRefreshed: (accessToken) => void sendIfLive(this.conn, { t: 'reauth', accessToken }),
      onRefreshFailed: (err) => this.onAuthFailure(err),
    });
    this.push = new OutboxPush({
      store: opts.store,
      log: opts.log,
      limits: this.o,
      conn: () => this.conn,
      progress: () => this.s.progress,
      update: (patch) => this.update(patch),
    });
    this.frameHost = {
      store: opts.store,
      log: opts.log,
      push: this.push,
      welcomed: () => this.backoff.reset(),
      presence: () => this.presence,
      watching: () => this.watching,
      update: (patch) => this.update(patch),
      emitRouting: (e) => this.emitRouting(e),
      supervisionListeners: this.supervisionListeners,
      revoke: (reason) => void this.revoke(reason),
      endedByRelay: (code, message) => this.endedByRelay(code, message),
      expireToken: () => this.tokens.expire(),
      reconnectNow: () => this.reconnectNow(),
    };
    this.s = { status: this.tokens.current() ? 'offline' : 'signedOut', pending: opts.store.pendingCount() };
    this.unsubscribe = opts.store.onChange((c) => {
      this.update({ pending: c.pending });
      if (c.reason === 'mutate') this.push.pushNext();
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
    sendIfLive(this.conn, { t: 'watch', on });
  }

  /**
   * The agent's routing state; sent now if connected and again after every reconnect (the relay
   * treats a disconnected agent as unavailable after its grace period).
   */
  setPresence(presence: Presence): void {
    this.presence = presenceOf(presence);
    sendIfLive(this.conn, { t: 'presence', ...this.presence });
  }

  /** Answers an offer; false when offline (the offer will expire and go to someone else). */
  replyOffer(offerId: string, accept: boolean): boolean {
    return sendIfLive(this.conn, { t: 'offerReply', offerId, accept });
  }

  /** Tells the relay the agent is (or stopped) typing; false when offline (typing is not queued). */
  sendTyping(conversationId: string, on: boolean): boolean {
    return sendIfLive(this.conn, { t: 'typing', conversationId, on });
  }

  /** Tells the relay the agent saw what moved while they were away, up to `upTo`; false when offline. */
  sendMovedSeen(upTo: string): boolean {
    return sendIfLive(this.conn, { t: 'movedSeen', upTo });
  }

  /** Tells the relay the agent read a conversation (web chat read receipts); false when offline. */
  sendRead(conversationId: string): boolean {
    return sendIfLive(this.conn, { t: 'read', conversationId });
  }

  /**
   * Calls a relay path with the agent's access token, refreshed first when due (attachments,
   * recordings). GET unless `init` says otherwise.
   */
  async fetchWithToken(path: string, timeoutMs = 60_000, init: TokenFetchInit = {}): Promise<Response> {
    await this.tokens.ensureFresh();
    return fetchWithToken(this.opts.relayUrl, path, this.tokens.current()!.accessToken, timeoutMs, init);
  }

  /** Signs in over HTTP, remembers the session (encrypted in the store) and who this cache belongs to. */
  async login(
    email: string,
    password: string,
    deviceName: string,
    newPassword?: string,
  ): Promise<AgentIdentity> {
    const t = await signIn(this.opts.relayUrl, { email, password, deviceName, newPassword });
    this.tokens.save(t);
    const id = { deviceId: t.deviceId, agent: t.agent };
    this.opts.store.setIdentity(id);
    this.update({ status: this.running ? this.s.status : 'offline' });
    return id;
  }

  /** Starts syncing (and keeps reconnecting) until stop(). Needs a session from login(). */
  start(): void {
    if (this.running || this.s.status === 'revoked') return;
    if (!this.tokens.current()) return this.update({ status: 'signedOut' });
    this.running = true;
    void this.connect();
  }

  /** Stops syncing and closes the socket; the outbox stays for next time. */
  stop(): void {
    this.running = false;
    this.cancelTimers();
    this.drop(1000, 'client stopping');
    if (this.s.status !== 'revoked' && this.s.status !== 'signedOut') this.update({ status: 'offline' });
  }

  /** Stops, forgets the tokens, and reports signedOut. Local data stays. */
  signOut(): void {
    this.stop();
    this.tokens.forget();
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
      await this.tokens.ensureFresh();
    } catch (err) {
      return this.onAuthFailure(err);
    }
    if (!this.running) return;
    this.conn = openSyncSocket({
      relayUrl: this.opts.relayUrl,
      connectTimeoutMs: this.o.connectTimeoutMs,
      heartbeatMs: this.o.heartbeatMs,
      log: this.opts.log,
      hello: () => ({
        t: 'hello',
        protocol: SYNC_PROTOCOL_VERSION,
        accessToken: this.tokens.current()!.accessToken,
        cursor: this.opts.store.cursor(),
      }),
      isCurrent: (conn) => this.conn === conn,
      onFrame: (conn, frame) => handleFrame(this.frameHost, conn, frame),
      onFrameFailed: (err) => {
        this.opts.log.error({ err }, 'sync frame failed');
        this.update({ lastError: { code: LOCAL_ERR.OFFLINE, message: 'Sync hit an error and will retry.' } });
      },
      onClose: (conn, code, reason) => this.onClose(conn, code, reason),
    });
  }

  private onClose(conn: Conn, code: number, reason: string): void {
    clearInterval(conn.heartbeat);
    if (this.conn !== conn) return;
    this.conn = null;
    this.push.reset();
    if (code === RELAY_CLOSE.DEVICE_REVOKED) return void this.revoke(reason || 'This device was revoked.');
    if (code === RELAY_CLOSE.ACCOUNT_DISABLED)
      return this.endedByRelay(
        RELAY_ERR.ACCOUNT_DISABLED,
        reason || 'This account was disabled by an admin.',
      );
    if (!this.running || this.s.status === 'revoked' || this.s.status === 'signedOut') return;
    const delay = this.backoff.nextDelay();
    this.opts.log.info({ code, reason, delay }, 'sync disconnected; retrying');
    this.update({ status: 'offline', progress: undefined });
    this.backoff.retryAfter(delay, () => void this.connect());
  }

  private drop(code: number, reason: string): void {
    const c = this.conn;
    this.conn = null;
    this.push.reset();
    if (c) closeSyncSocket(c, code, reason);
  }

  /** Closes the socket and reconnects at once (after a token refresh, a resync request...). */
  private reconnectNow(): void {
    this.drop(1000, 'reconnecting');
    if (this.running) void this.connect();
  }

  // --- tokens and revocation ------------------------------------------------------------------

  private cancelTimers(): void {
    this.backoff.cancel();
    this.tokens.cancel();
  }

  private onAuthFailure(err: unknown): void {
    if (err instanceof auth.RelayHttpError) {
      if (err.code === RELAY_ERR.DEVICE_REVOKED) return void this.revoke(err.message);
      if (err.status === 401 || err.status === 403) {
        this.opts.log.warn({ code: err.code }, 'session refused; signing out');
        this.running = false;
        this.drop(1000, 'signed out');
        this.tokens.forget();
        return this.update({ status: 'signedOut', lastError: { code: err.code, message: err.message } });
      }
    }
    const message = err instanceof Error ? err.message : String(err);
    this.update({ lastError: { code: err instanceof LocalError ? err.code : LOCAL_ERR.OFFLINE, message } });
    // Treat like a dropped connection: back off and try again.
    if (this.conn) return;
    const delay = this.backoff.nextDelay();
    this.update({ status: 'offline' });
    if (this.running) this.backoff.retryAfter(delay, () => void this.connect());
  }

  /**
   * The relay ended this session (account disabled, password reset or changed elsewhere): stop,
   * forget the tokens, keep the cache and outbox (they go out after the next sign-in), and say why.
   */
  private endedByRelay(code: string, message: string): void {
    if (this.s.status === 'signedOut' || this.s.status === 'revoked') return;
    this.opts.log.warn({ code, message }, 'session ended by the relay; signing out');
    this.running = false;
    this.cancelTimers();
    this.drop(1000, 'signed out');
    this.tokens.forget();
    this.update({ status: 'signedOut', progress: undefined, lastError: { code, message } });
    this.opts.onSignedOut?.(code, message);
  }

  private async revoke(reason: string): Promise<void> {
    if (this.s.status === 'revoked') return;
    this.opts.log.warn({ reason }, 'device revoked; wiping the cache');
    this.running = false;
    this.cancelTimers();
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

  private emitRouting(e: RoutingEvent): void {
    for (const l of this.routingListeners) l(e);
  }

  private update(patch: SyncStatePatch): void {
    const next = patchedState(this.s, patch);
    if (!next) return;
    this.s = next;
    for (const l of this.listeners) l(this.state());
  }
}
