import { Registerer, RegistererState, type Invitation, type UserAgent } from 'sip.js';
import { backoffDelay, makeUserAgent, registerOnce } from './sipUserAgent';
import type { PhoneListener, Registration, ResolvedSipOptions, SipConfig } from './sipTypes';

/** What the connection tells the phone that owns it. */
export type ConnectionHooks = {
  onRegistration: PhoneListener['onRegistration'];
  onInvite: (inv: Invitation) => void;
  /** The transport went: live calls' dialogs may be unreachable now. */
  onLost: () => void;
  /** Connected and registered again after a loss. */
  onReconnected: () => void;
  /** The network changed (live calls restart ICE). */
  onNetworkChange: () => void;
};

/**
 * The softphone's link to the SIP server: the UserAgent and Registerer, with what sip.js leaves
 * to the app (FIELD-NOTES): reconnect with backoff and jitter, re-register, and a reconnect at once
 * when the OS says the network is back.
 */
export class SipConnection {
  private agent: UserAgent | null = null;
  private registerer: Registerer | null = null;
  private registration: Registration = 'stopped';
  private stopping = false;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private wasLost = false;
  private readonly onOnline = () => this.networkChanged();

  constructor(
    private readonly config: SipConfig,
    private readonly opts: ResolvedSipOptions,
    private readonly hooks: ConnectionHooks,
  ) {}

  get state(): Registration {
    return this.registration;
  }

  /** The UserAgent once started (null before start). */
  get ua(): UserAgent | null {
    return this.agent;
  }

  /** Connects and registers; on failure keeps retrying with backoff until stop(). */
  async start(): Promise<void> {
    this.stopping = false;
    this.agent = makeUserAgent(this.config, this.opts, {
      disconnect: (error) => {
        if (this.stopping) return;
        this.opts.log('warn', `SIP transport lost: ${error.message}`);
        this.lost();
      },
      invite: (inv) => this.hooks.onInvite(inv),
    });
    this.registerer = new Registerer(this.agent, { expires: this.opts.expiresS });
    // The registerer stays "Registered" across a transport loss, so a re-register fires no state
    // change: registration is reported from each REGISTER's answer (see register()).
    this.registerer.stateChange.addListener((s) => {
      if (s === RegistererState.Unregistered && !this.stopping && this.registration === 'registered')
        this.setRegistration('connecting', { reconnected: false });
    });
    if (typeof window !== 'undefined') window.addEventListener('online', this.onOnline);
    this.setRegistration('connecting', { reconnected: false });
    try {
      await this.agent.start();
      await this.register();
    } catch (err) {
      this.opts.log('warn', `SIP connect failed: ${String(err)}`);
      this.lost();
    }
  }

  /** Stops reconnecting, runs `beforeUnregister` (end the calls), unregisters and disconnects. */
  async stop(beforeUnregister: () => void): Promise<void> {
    this.stopping = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (typeof window !== 'undefined') window.removeEventListener('online', this.onOnline);
    beforeUnregister();
    try {
      if (this.registerer?.state === RegistererState.Registered) await this.registerer.unregister();
    } catch {
      // The server may be gone; the registration expires by itself.
    }
    await this.agent?.stop().catch(() => undefined);
    this.setRegistration('stopped', { reconnected: false });
  }

  private async register(): Promise<void> {
    const r = await registerOnce(this.registerer!, this.opts.log);
    if (r.ok) {
      const reconnected = this.wasLost;
      this.wasLost = false;
      this.attempt = 0;
      this.setRegistration('registered', { reconnected });
    } else if (r.error !== null) {
      this.setRegistration('failed', { reconnected: false, error: r.error });
    }
  }

  private setRegistration(r: Registration, detail: { reconnected: boolean; error?: string }): void {
    this.registration = r;
    this.hooks.onRegistration(r, detail);
  }

  // Transport lost: tell the agent, mark live calls, reconnect with backoff, re-register.
  private lost(): void {
    if (this.stopping) return;
    this.wasLost = true;
    this.hooks.onLost();
    this.setRegistration('reconnecting', { reconnected: false });
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer || this.stopping) return;
    const delay = backoffDelay(this.attempt, this.opts.backoffMs);
    this.attempt++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.reconnect();
    }, delay);
  }

  private async reconnect(): Promise<void> {
    if (!this.agent || this.stopping) return;
    try {
      await this.agent.reconnect();
    } catch (err) {
      this.opts.log('debug', `reconnect failed: ${String(err)}`);
      this.scheduleReconnect();
      return;
    }
    await this.register();
    this.hooks.onReconnected();
  }

  private networkChanged(): void {
    if (this.registration !== 'registered') {
      if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
      this.attempt = 0;
      void this.reconnect();
    }
    this.hooks.onNetworkChange();
  }
}
