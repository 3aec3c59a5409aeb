import { hostname } from 'node:os';
import type { AgentState } from '../../shared/agentState';
import type { MovedWhileAway } from '../../shared/routing';
import type { SessionState } from '../../shared/session';
import type { OfferView } from '../../shared/sync/protocol';
import type { RejectedView } from '../../shared/views';
import { LOCAL_ERR, LocalError } from '../base/errors';
import type { EventHub } from '../base/events';
import type { Logger } from '../base/logger';
import type { CacheVault } from '../keychain/cacheVault';
import type { LocalStore } from '../store/localStore';
import { SyncClient, type SyncClientOptions, type SyncState } from '../sync/syncClient';
import { LiveWork } from './liveWork';
import { MentionWatcher } from './mentionNotices';
import type { SupervisorNotice } from '../../shared/supervisor';
import { jsonRequest, relayOk, type RelayInit } from './relayRequests';
import {
  checkedRelayOrigin,
  openFailure,
  ProfileFile,
  vaultFor,
  type Profile,
  type VaultOverrides,
} from './sessionProfile';
import { RELAY_ROUTES } from '../../shared/relayRoutes';

export type SessionOptions = {
  dataDir: string;
  events: EventHub;
  log: Logger;
  /** Options passed to every SyncClient (tests shorten timings). */
  sync?: Partial<Omit<SyncClientOptions, 'relayUrl' | 'store' | 'log' | 'onRevoked'>>;
  /** Keychain override for CacheVault (tests); default: the OS keychain. */
  vault?: VaultOverrides;
  /** The agent's routing state now, sent to the relay on every connection. Default: offline. */
  presence?: () => AgentState;
  /** Each new sync client (the supervisor's desk listens to it); returns what detaches it. */
  onClientOpened?: (client: SyncClient) => () => void;
  /** A supervisor's whisper to this agent arrived by sync, not live (the supervisor's desk shows it). */
  onWhisperArrived?: (n: SupervisorNotice) => void;
};

/**
 * The signed-in agent's session (what the `session:*` calls drive): the encrypted cache
 * (CacheVault + LocalStore) and the sync client, per profile (relay + agent). Remembers the last
 * profile so a restart reopens the cache from the keychain and resumes syncing, online or not.
 */
export class SessionService {
  private store: LocalStore | null = null;
  private vault: CacheVault | null = null;
  private client: SyncClient | null = null;
  private profile: Profile | null = null;
  private status: SessionState['status'] = 'signedOut';
  private notice: SessionState['notice'] = null;
  private offs: (() => void)[] = [];
  private readonly live: LiveWork;
  private readonly profileFile: ProfileFile;

  constructor(private readonly o: SessionOptions) {
    this.profileFile = new ProfileFile(o.dataDir);
    this.live = new LiveWork(o.events, () => this.client);
  }

  /** Reopens the last profile, if any, without a password (the relay session is in the cache). */
  async resume(): Promise<SessionState> {
    const p = this.profileFile.read();
    if (!p?.relayUrl || !p.email) return this.state();
    this.profile = p;
    try {
      // A profile remembered by an older version may name a remote http:// relay: never reconnect to it.
      checkedRelayOrigin(p.relayUrl);
      await this.open(p, undefined);
      this.client!.start();
    } catch (err) {
      this.onOpenError(err);
    }
    return this.state();
  }

  /** Signs in: opens (or creates) this profile's encrypted cache, logs in to the relay, starts syncing. */
  async login(a: {
    relayUrl: string;
    email: string;
    password: string;
    passphrase?: string;
    /** The new password, when an admin reset the old one (the relay asks for it at sign-in). */
    newPassword?: string;
  }): Promise<SessionState> {
    const p: Profile = { relayUrl: checkedRelayOrigin(a.relayUrl), email: a.email.trim().toLowerCase() };
    if (this.store) await this.close();
    this.profile = p;
    try {
      // Not announced as signed in until the relay says yes: a refused sign-in keeps the form.
      await this.open(p, a.passphrase, false);
    } catch (err) {
      // At sign-in a passphrase error is answered in the sign-in form itself (a new cache needs one
      // chosen); only a key loss changes the session's state.
      if (err instanceof LocalError && err.code === LOCAL_ERR.KEY_LOST) this.onOpenError(err);
      throw err;
    }
    try {
      await this.client!.login(p.email, a.password, `Switchboard on ${hostname()}`, a.newPassword);
    } catch (err) {
      await this.close();
      throw err;
    }
    this.profileFile.remember(p);
    this.notice = null;
    this.status = 'signedIn';
    this.client!.start();
    this.emit();
    return this.state();
  }

  /** Unlocks a passphrase-protected cache of the remembered profile. */
  async unlock(passphrase: string): Promise<SessionState> {
    if (!this.profile) throw new LocalError(LOCAL_ERR.NOT_SIGNED_IN, 'Sign in first.');
    await this.open(this.profile, passphrase);
    this.client!.start();
    return this.state();
  }

  /** Signs out. With `wipe`, also deletes this profile's offline cache and key. */
  async logout(wipe: boolean): Promise<SessionState> {
    this.client?.signOut();
    const vault = this.vault;
    await this.close();
    if (wipe && vault) vault.wipe();
    this.profileFile.forget();
    this.profile = null;
    this.status = 'signedOut';
    this.emit();
    return this.state();
  }

  /** Deletes a cache whose key is lost, after the agent was told what is at stake, then signs in again. */
  async discardLostCache(): Promise<SessionState> {
    if (this.profile) this.vaultFor(this.profile).wipe();
    this.notice = null;
    this.status = 'signedOut';
    this.emit();
    return this.state();
  }

  state(): SessionState {
    const sync: SyncState = this.client?.state() ?? { status: 'signedOut', pending: 0 };
    const id = this.store?.identity();
    return {
      status: this.status,
      relayUrl: this.profile?.relayUrl ?? null,
      email: this.profile?.email ?? null,
      agent: id ? { id: id.agent.id, name: id.agent.name, role: id.agent.role } : null,
      protection: this.vault?.protection() ?? 'none',
      sync,
      rejected: this.store?.rejected().length ?? 0,
      notice: this.notice,
    };
  }

  /** The open store, or an expected error the UI can show. */
  requireStore(): LocalStore {
    if (!this.store) throw new LocalError(LOCAL_ERR.NOT_SIGNED_IN, 'Sign in to see and change data.');
    return this.store;
  }

  /** Changes the relay refused, for the agent to review (the cache rolled them back). */
  listRejected(): RejectedView[] {
    return this.requireStore()
      .rejected()
      .map((r) => ({ id: r.id, name: r.name, code: r.code, message: r.message, at: r.rejectedAt }));
  }

  dismissRejected(id: string): { dismissed: boolean } {
    return { dismissed: this.requireStore().dismissRejected(id) };
  }

  pendingCount(): number {
    return this.store?.pendingCount() ?? 0;
  }

  async close(): Promise<void> {
    for (const off of this.offs.splice(0)) off();
    this.live.clear();
    this.client?.dispose();
    this.store?.close();
    this.client = null;
    this.store = null;
    this.vault = null;
    if (this.status === 'signedIn') this.status = 'signedOut';
  }

  // --- internals ----------------------------------------------------------------------------

  private vaultFor(p: Profile): CacheVault {
    return vaultFor(p, this.o);
  }

  private async open(p: Profile, passphrase: string | undefined, announce = true): Promise<void> {
    const vault = this.vaultFor(p);
    const key = await vault.unlock(passphrase === undefined ? {} : { passphrase });
    const store = vault.openStore(key);
    const client = new SyncClient({
      ...this.o.sync,
      relayUrl: p.relayUrl,
      store,
      log: this.o.log,
      onRevoked: (reason) => this.onRevoked(reason),
      onSignedOut: (_code, message) => void this.onSignedOut(message),
    });
    this.vault = vault;
    this.store = store;
    this.client = client;
    if (announce) this.status = 'signedIn';
    client.setPresence(this.o.presence?.() ?? 'offline');
    // Mentions in notes arriving from now on are news; older ones (first sync, catch-up) are not.
    const mentions = new MentionWatcher({
      store,
      since: new Date().toISOString(),
      onNotice: (n) => this.o.events.emit('inbox:mentioned', n),
      ...(this.o.onWhisperArrived ? { onWhisper: this.o.onWhisperArrived } : {}),
    });
    if (this.o.onClientOpened) this.offs.push(this.o.onClientOpened(client));
    this.offs.push(
      client.onRouting((e) => this.live.onRouting(e)),
      client.onState(() => this.emit()),
      store.onChange((c) => {
        this.o.events.emit('data:changed', { reason: c.reason, pending: c.pending });
        if (c.reason === 'reject') this.emit();
        if (c.reason === 'remote' || c.reason === 'resync') {
          try {
            mentions.check();
          } catch (err) {
            // A notice is a courtesy: it must never stop changes from landing.
            this.o.log.error({ err }, 'could not check notes for mentions');
          }
        }
      }),
    );
    if (announce) this.emit();
  }

  /** Current offers, oldest first. */
  listOffers(): OfferView[] {
    return this.live.listOffers();
  }

  /** Live work that moved to colleagues while this agent was offline, oldest first. */
  listMovedWhileAway(): MovedWhileAway[] {
    return this.live.listMovedWhileAway();
  }

  /** The agent read the notice of what moved (see LiveWork.dismissMovedWhileAway). */
  dismissMovedWhileAway(upTo: string): { sent: boolean } {
    return this.live.dismissMovedWhileAway(upTo);
  }

  /** Accepts or declines an offer; false when offline (it will go to someone else). */
  replyOffer(offerId: string, accept: boolean): { sent: boolean } {
    return this.live.replyOffer(offerId, accept);
  }

  /** Tells the relay the agent's routing state (available, away, ...). */
  setPresence(state: AgentState): void {
    this.client?.setPresence(state);
  }

  /** Tells the customer the agent is typing (web chat); false when offline. */
  setTyping(conversationId: string, on: boolean): { sent: boolean } {
    return { sent: this.client?.sendTyping(conversationId, on) ?? false };
  }

  /** Tells the relay the agent read a conversation (the web chat visitor sees it); not queued offline. */
  sendRead(conversationId: string): void {
    this.client?.sendRead(conversationId);
  }

  /** A relay request with the agent's token (recordings); throws NOT_SIGNED_IN or OFFLINE. */
  relayFetch(path: string, init?: RelayInit, timeoutMs = 120_000): Promise<Response> {
    if (!this.client) throw new LocalError(LOCAL_ERR.NOT_SIGNED_IN, 'Sign in first.');
    return this.client.fetchWithToken(path, timeoutMs, init);
  }

  private onOpenError(err: unknown): void {
    if (err instanceof LocalError) {
      const { status, notice } = openFailure(err);
      if (status) this.status = status;
      if (notice) this.notice = notice;
    } else {
      this.o.log.error({ err }, 'could not open the offline cache');
    }
    this.emit();
  }

  private async onRevoked(reason: string): Promise<void> {
    const vault = this.vault;
    await this.close();
    vault?.wipe();
    this.profileFile.forget();
    this.status = 'signedOut';
    this.notice = {
      code: LOCAL_ERR.DEVICE_REVOKED,
      message: `This device was signed out by an administrator (${reason}). Its offline data was deleted.`,
      pendingAtStake: 0,
    };
    this.o.log.warn({ reason }, 'device revoked; cache wiped');
    this.emit();
  }

  /** The relay ended the session: close (keeping the cache and its outbox) and say why on the sign-in screen. */
  private async onSignedOut(reason: string): Promise<void> {
    const pending = this.pendingCount();
    await this.close();
    this.profileFile.forget();
    this.status = 'signedOut';
    this.notice = {
      code: LOCAL_ERR.SIGNED_OUT,
      message: `You were signed out: ${reason}`,
      pendingAtStake: pending,
    };
    this.o.log.warn({ reason }, 'signed out by the relay');
    this.emit();
  }

  /** Changes the signed-in person's own password on the relay; other devices are signed out there. */
  async changePassword(currentPassword: string, newPassword: string): Promise<{ changed: true }> {
    const init = jsonRequest('POST', { currentPassword, newPassword });
    await relayOk((path, i) => this.relayFetch(path, i), RELAY_ROUTES.changePassword.pattern, init);
    return { changed: true };
  }

  private emit(): void {
    this.o.events.emit('session:changed', this.state());
  }
}
