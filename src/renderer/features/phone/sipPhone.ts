import {
  Grammar,
  Invitation,
  Inviter,
  Registerer,
  RegistererState,
  SessionState,
  SIPExtension,
  UserAgent,
  type Referral,
  type Session,
} from 'sip.js';
import type { IncomingRequestMessage } from 'sip.js/lib/core/index.js';
import type { SessionDescriptionHandlerOptions as WebSdhOptions } from 'sip.js/lib/platform/web/index.js';
import type { CallQualitySummary, QualityWarning } from '../../../shared/callQuality';
import {
  addSample,
  currentMos,
  initialQuality,
  rawSampleOf,
  resetBaseline,
  summarize,
  type QualityState,
  type StatLike,
} from './quality';

/** What the softphone needs to register; the password comes from main only for this. */
export type SipConfig = {
  /** WebSocket URL of the SIP server (wss in production). */
  server: string;
  /** The agent's address of record, `sip:agent@example.com`. */
  uri: string;
  authUser: string;
  password: string;
  displayName?: string;
  /** STUN/TURN servers; none by default (no public server is ever contacted unasked). */
  iceServers: RTCIceServer[];
  /** `relay` forces media through TURN (no direct path); default `all`. */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** `auto`: RFC 4733 through the audio sender when it can, SIP INFO otherwise; `info`: always INFO. */
  dtmf: 'auto' | 'info';
};

export type Registration = 'stopped' | 'connecting' | 'registered' | 'reconnecting' | 'failed';
export type CallState = 'ringing' | 'dialing' | 'established' | 'ended';
/** `pending`: not judged yet; `flowing`: ICE connected and audio arrives; `none`: established but silent. */
export type MediaHealth = 'pending' | 'flowing' | 'none';
export type EndReason = 'local' | 'remote' | 'declined' | 'cancelled' | 'failed' | 'transferred' | 'lost';

/** A call as the UI sees it: plain data, caller ids as untrusted text. */
export type CallSnapshot = {
  id: string;
  direction: 'in' | 'out';
  state: CallState;
  /** The remote user part (a number, usually), clipped to MAX_ID_TEXT characters. */
  remoteUser: string;
  /** The remote display name, clipped likewise; may contain anything, render as text only. */
  remoteName: string;
  identitySource: 'pai' | 'from' | 'to';
  held: boolean;
  muted: boolean;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  media: MediaHealth;
  /** The SIP server restarted under this call: in-dialog requests cannot reach the other side. */
  signalingLost: boolean;
  /** The agent's consultation leg of an attended transfer (ends when the transfer completes). */
  consult: boolean;
  endReason: EndReason | null;
  /** Live quality (one sample a second while established and not held) and its running summary. */
  quality: { mos: number | null; warnings: QualityWarning[]; summary: CallQualitySummary | null };
};

export type PhoneListener = {
  onRegistration: (r: Registration, detail: { reconnected: boolean; error?: string }) => void;
  onCall: (c: CallSnapshot) => void;
  onDtmf?: (callId: string, tone: string) => void;
};

export type SipPhoneOptions = {
  /** ICE gathering gives up after this long and sends what it has. Default 500 ms. */
  iceGatheringTimeoutMs?: number;
  /** An established call with no inbound audio or ICE for this long is flagged. Default 4000 ms. */
  noMediaAfterMs?: number;
  /** Reconnect backoff: first delay and cap. Defaults 250 ms and 10 s, with jitter. */
  backoffMs?: { first: number; max: number };
  /** Registration lifetime asked of the registrar. Default 300 s. */
  expiresS?: number;
  log?: (level: 'debug' | 'info' | 'warn' | 'error', msg: string) => void;
  /** Plays a call's remote audio; default: a detached <audio> element. */
  play?: (callId: string, stream: MediaStream | null) => void;
};

/** Caller ids longer than this are clipped for display (they still never break anything). */
export const MAX_ID_TEXT = 128;
const DTMF_TONE = /^[0-9*#A-Da-d]$/;

type Live = {
  snap: CallSnapshot;
  session: Session;
  watchdog: ReturnType<typeof setInterval> | null;
  lastBytes: number;
  lastFlowAt: number;
  localEnd: EndReason | null;
  /** A re-INVITE asking whether a silent call's dialog still exists is under way. */
  probing: boolean;
  lastIce: string;
  q: QualityState;
};

const clip = (s: string) => (s.length > MAX_ID_TEXT ? `${s.slice(0, MAX_ID_TEXT)}…` : s);
// Control characters (and bidi overrides) never reach the screen.
const clean = (s: string | undefined) => clip((s ?? '').replace(/[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu, ''));

/** The caller as the INVITE names it: P-Asserted-Identity when present and parseable, else From. */
export function callerIdentity(req: IncomingRequestMessage): {
  user: string;
  name: string;
  source: 'pai' | 'from';
} {
  const pai = req.getHeader('P-Asserted-Identity');
  if (pai) {
    const parsed = Grammar.nameAddrHeaderParse(pai.slice(0, 4096));
    if (parsed) return { user: clean(parsed.uri.user ?? ''), name: clean(parsed.displayName), source: 'pai' };
  }
  return { user: clean(req.from.uri.user ?? ''), name: clean(req.from.displayName), source: 'from' };
}

/**
 * A sip.js UserAgent + Registerer with what sip.js leaves to the app: reconnect with backoff and
 * re-register on transport loss, explicit ICE servers, a media-flow watchdog, hold, mute, DTMF and
 * transfers, and calls whose dialog is lost when the server restarts (ended, never left as ghosts).
 */
export class SipPhone {
  private ua: UserAgent | null = null;
  private registerer: Registerer | null = null;
  private readonly calls = new Map<string, Live>();
  private registration: Registration = 'stopped';
  private stopping = false;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private wasLost = false;
  private readonly opts: Required<Omit<SipPhoneOptions, 'play'>> & {
    play: SipPhoneOptions['play'] | undefined;
  };
  private readonly audio = new Map<string, HTMLAudioElement>();
  /** Microphone and call-audio output device ids; '' is the system default. */
  private devices = { input: '', output: '' };
  private readonly onOnline = () => this.networkChanged();

  constructor(
    private readonly config: SipConfig,
    private readonly listener: PhoneListener,
    options: SipPhoneOptions = {},
  ) {
    this.opts = {
      iceGatheringTimeoutMs: options.iceGatheringTimeoutMs ?? 500,
      noMediaAfterMs: options.noMediaAfterMs ?? 4000,
      backoffMs: options.backoffMs ?? { first: 250, max: 10_000 },
      expiresS: options.expiresS ?? 300,
      log: options.log ?? (() => {}),
      play: options.play,
    };
  }

  get state(): Registration {
    return this.registration;
  }

  /** Connects and registers; on failure keeps retrying with backoff until stop(). */
  async start(): Promise<void> {
    const uri = UserAgent.makeURI(this.config.uri);
    if (!uri) throw new Error(`Not a SIP address: ${this.config.uri}`);
    this.stopping = false;
    this.ua = new UserAgent({
      uri,
      transportOptions: { server: this.config.server, connectionTimeout: 5, keepAliveInterval: 0 },
      authorizationUsername: this.config.authUser,
      authorizationPassword: this.config.password,
      ...(this.config.displayName ? { displayName: this.config.displayName } : {}),
      userAgentString: 'Switchboard',
      logBuiltinEnabled: false,
      logLevel: 'warn',
      logConnector: (level, category, _label, content) =>
        this.opts.log(level === 'log' ? 'debug' : level, `${category}: ${content}`),
      sipExtensionReplaces: SIPExtension.Supported,
      sessionDescriptionHandlerFactoryOptions: {
        peerConnectionConfiguration: {
          iceServers: this.config.iceServers,
          iceTransportPolicy: this.config.iceTransportPolicy ?? 'all',
        },
        iceGatheringTimeout: this.opts.iceGatheringTimeoutMs,
      },
      delegate: {
        onDisconnect: (error) => {
          if (!error || this.stopping) return;
          this.opts.log('warn', `SIP transport lost: ${error.message}`);
          this.lost();
        },
        onInvite: (inv) => this.incoming(inv),
      },
    });
    this.registerer = new Registerer(this.ua, { expires: this.opts.expiresS });
    // The registerer stays "Registered" across a transport loss, so a re-register fires no state
    // change: registration is reported from each REGISTER's answer (see register()).
    this.registerer.stateChange.addListener((s) => {
      if (s === RegistererState.Unregistered && !this.stopping && this.registration === 'registered')
        this.setRegistration('connecting', { reconnected: false });
    });
    if (typeof window !== 'undefined') window.addEventListener('online', this.onOnline);
    this.setRegistration('connecting', { reconnected: false });
    try {
      await this.ua.start();
      await this.register();
    } catch (err) {
      this.opts.log('warn', `SIP connect failed: ${String(err)}`);
      this.lost();
    }
  }

  /** Ends every call, unregisters and disconnects. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (typeof window !== 'undefined') window.removeEventListener('online', this.onOnline);
    for (const id of [...this.calls.keys()]) this.hangup(id);
    try {
      if (this.registerer?.state === RegistererState.Registered) await this.registerer.unregister();
    } catch {
      // The server may be gone; the registration expires by itself.
    }
    await this.ua?.stop().catch(() => undefined);
    this.setRegistration('stopped', { reconnected: false });
  }

  private register(): Promise<void> {
    return new Promise((resolve) => {
      void this.registerer!.register({
        requestDelegate: {
          onAccept: () => {
            const reconnected = this.wasLost;
            this.wasLost = false;
            this.attempt = 0;
            this.setRegistration('registered', { reconnected });
            resolve();
          },
          onReject: (res) => {
            const error = `${res.message.statusCode} ${res.message.reasonPhrase}`;
            this.setRegistration('failed', { reconnected: false, error });
            resolve();
          },
        },
      }).catch((err: unknown) => {
        this.opts.log('warn', `REGISTER failed: ${String(err)}`);
        resolve();
      });
    });
  }

  private setRegistration(r: Registration, detail: { reconnected: boolean; error?: string }): void {
    this.registration = r;
    this.listener.onRegistration(r, detail);
  }

  // Transport lost: tell the agent, mark live calls, reconnect with backoff, re-register.
  private lost(): void {
    if (this.stopping) return;
    this.wasLost = true;
    for (const c of this.calls.values()) if (c.snap.state === 'established') c.snap.signalingLost = true;
    this.setRegistration('reconnecting', { reconnected: false });
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer || this.stopping) return;
    const { first, max } = this.opts.backoffMs;
    const base = Math.min(max, first * 2 ** this.attempt);
    const delay = base / 2 + Math.random() * (base / 2);
    this.attempt++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.reconnect();
    }, delay);
  }

  private async reconnect(): Promise<void> {
    if (!this.ua || this.stopping) return;
    try {
      await this.ua.reconnect();
    } catch (err) {
      this.opts.log('debug', `reconnect failed: ${String(err)}`);
      this.scheduleReconnect();
      return;
    }
    await this.register();
    for (const c of [...this.calls.values()]) {
      if (c.snap.signalingLost) this.probe(c);
      // A call still being set up lost its transaction with the server: its answer (or CANCEL)
      // can never arrive. End it rather than ring or dial forever.
      else if (c.snap.state === 'dialing' || c.snap.state === 'ringing') {
        this.hangup(c.snap.id, 'lost');
        this.ended(c, 'lost');
      }
    }
  }

  // After a server restart the dialog's route points at a dead connection. A re-INVITE tells:
  // accepted means the call is reachable again; otherwise it stays flagged and ends once media stops.
  private probe(c: Live): void {
    if (c.snap.state !== 'established') return;
    c.session
      .invite({
        requestDelegate: {
          onAccept: () => this.update(c, { signalingLost: false }),
          onReject: () => this.update(c, { signalingLost: true }),
        },
      })
      .catch(() => this.update(c, { signalingLost: true }));
    this.emit(c);
  }

  private networkChanged(): void {
    if (this.registration !== 'registered') {
      if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
      this.attempt = 0;
      void this.reconnect();
    }
    // ICE restart keeps live calls across a network change (a held call stays held).
    for (const c of this.calls.values()) {
      if (c.snap.state !== 'established') continue;
      const held = c.session.sessionDescriptionHandlerOptionsReInvite as WebSdhOptions;
      const restart = { ...held, offerOptions: { iceRestart: true } } as WebSdhOptions;
      c.session
        .invite({ sessionDescriptionHandlerOptions: restart })
        .catch((err: unknown) => this.opts.log('warn', `ICE restart failed: ${String(err)}`));
    }
  }

  // --- calls ------------------------------------------------------------------------------------

  private track(session: Session, snap: CallSnapshot): Live {
    const c: Live = {
      snap,
      session,
      watchdog: null,
      lastBytes: 0,
      lastFlowAt: 0,
      localEnd: null,
      probing: false,
      lastIce: 'new',
      q: initialQuality(),
    };
    this.calls.set(snap.id, c);
    session.delegate = {
      onInfo: (info) => {
        const body = info.request.body ?? '';
        const m = /Signal\s*=\s*([0-9*#A-Da-d])/i.exec(body.slice(0, 1000));
        void info.accept();
        if (m && this.listener.onDtmf) this.listener.onDtmf(snap.id, m[1]!.toUpperCase());
      },
      onRefer: (referral) => this.referred(c, referral),
    };
    session.stateChange.addListener((s) => {
      switch (s) {
        case SessionState.Established:
          this.update(c, { state: 'established', answeredAt: Date.now() });
          this.attachMedia(c);
          this.startWatchdog(c);
          break;
        case SessionState.Terminated:
          this.ended(c, c.localEnd ?? (c.snap.answeredAt ? 'remote' : 'failed'));
          break;
        default:
          break;
      }
    });
    this.emit(c);
    return c;
  }

  private incoming(inv: Invitation): void {
    const who = callerIdentity(inv.request);
    const snap = this.newSnap('in', 'ringing', who.user, who.name, who.source);
    this.track(inv, snap);
    // The second leg of an attended transfer replaces a call this agent already answered.
    if (inv.replacee) void this.answer(snap.id);
  }

  private newSnap(
    direction: 'in' | 'out',
    state: CallState,
    user: string,
    name: string,
    source: CallSnapshot['identitySource'],
  ): CallSnapshot {
    return {
      id: crypto.randomUUID(),
      direction,
      state,
      remoteUser: user,
      remoteName: name,
      identitySource: source,
      held: false,
      muted: false,
      startedAt: Date.now(),
      answeredAt: null,
      endedAt: null,
      media: 'pending',
      signalingLost: false,
      consult: false,
      endReason: null,
      quality: { mos: null, warnings: [], summary: null },
    };
  }

  /** Places a call to a SIP URI or a user at the agent's domain; returns its id. */
  call(target: string, extraHeaders: string[] = []): string {
    if (!this.ua) throw new Error('The phone is not started.');
    const uri = UserAgent.makeURI(this.targetUri(target));
    if (!uri) throw new Error(`Cannot call ${target}`);
    const inviter = new Inviter(this.ua, uri, {
      sessionDescriptionHandlerOptions: this.media(),
      extraHeaders,
    });
    const c = this.track(inviter, this.newSnap('out', 'dialing', clean(uri.user ?? ''), '', 'to'));
    inviter
      .invite({
        requestDelegate: {
          onReject: (res) => {
            c.localEnd =
              res.message.statusCode === 486 || res.message.statusCode === 603 ? 'declined' : 'failed';
          },
        },
      })
      .catch((err: unknown) => {
        this.opts.log('warn', `INVITE failed: ${String(err)}`);
        this.ended(c, 'failed');
      });
    return c.snap.id;
  }

  private targetUri(target: string): string {
    const t = target.trim();
    if (/^sips?:/i.test(t)) return t;
    const domain = UserAgent.makeURI(this.config.uri)?.host ?? '';
    const user = t.includes('@') ? t : `${t.replace(/[\s().-]/g, '')}@${domain}`;
    return `sip:${user}`;
  }

  async answer(id: string): Promise<void> {
    const c = this.calls.get(id);
    if (!c || !(c.session instanceof Invitation) || c.snap.state !== 'ringing') return;
    await c.session.accept({ sessionDescriptionHandlerOptions: this.media() });
  }

  async decline(id: string): Promise<void> {
    const c = this.calls.get(id);
    if (!c || !(c.session instanceof Invitation) || c.snap.state !== 'ringing') return;
    c.localEnd = 'declined';
    await c.session.reject({ statusCode: 486 });
  }

  /** Ends a call in whatever state; the call ends here even when the BYE cannot get through. */
  hangup(id: string, reason: EndReason = 'local'): void {
    const c = this.calls.get(id);
    if (!c || c.snap.state === 'ended') return;
    c.localEnd = reason;
    const s = c.session;
    try {
      if (s.state === SessionState.Established) void s.bye().catch(() => this.ended(c, reason));
      else if (s instanceof Inviter) void s.cancel().catch(() => this.ended(c, reason));
      else if (s instanceof Invitation) void s.reject().catch(() => this.ended(c, reason));
      else this.ended(c, reason);
    } catch {
      this.ended(c, reason);
    }
    if (c.snap.answeredAt !== null && (c.snap.state as CallState) !== 'ended') {
      // sip.js holds the BYE while a 2xx awaits its ACK (up to 32 s), which never comes when the
      // server lost the route. The agent hung up: stop the media now (the other side sees it stop)
      // and end the call here; sip.js finishes the BYE when it can.
      (s.sessionDescriptionHandler as { close?: () => void } | undefined)?.close?.();
      this.ended(c, reason);
    }
  }

  /** Hold (sendonly re-INVITE, local tracks off) or resume; resolves once the other side agreed. */
  async hold(id: string, on: boolean): Promise<void> {
    const c = this.calls.get(id);
    if (!c || c.snap.state !== 'established' || c.snap.held === on) return;
    const s = c.session;
    await this.confirmed(s);
    const reInvite: WebSdhOptions = { ...s.sessionDescriptionHandlerOptionsReInvite, hold: on };
    s.sessionDescriptionHandlerOptionsReInvite = reInvite;
    await new Promise<void>((resolve, reject) => {
      s.invite({
        requestDelegate: {
          onAccept: () => {
            this.update(c, { held: on });
            this.applyTracks(c);
            resolve();
          },
          onReject: (res) => reject(new Error(`${res.message.statusCode} ${res.message.reasonPhrase}`)),
        },
      }).catch(reject);
    });
  }

  // A callee's dialog waits for the ACK of its 200 OK ("AckWait"); a re-INVITE sent before the ACK
  // crosses it and the call fails (488). Wait until the dialog is confirmed (at most ~5 s).
  private async confirmed(session: Session): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const state = (session as unknown as { dialog?: { sessionState?: string } }).dialog?.sessionState;
      if (state !== 'AckWait') return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  mute(id: string, on: boolean): void {
    const c = this.calls.get(id);
    if (!c) return;
    this.update(c, { muted: on });
    this.applyTracks(c);
  }

  /** Sends DTMF: RFC 4733 through the audio sender when possible (mode auto), else SIP INFO per tone. */
  async dtmf(id: string, tones: string): Promise<'rfc4733' | 'info'> {
    const c = this.calls.get(id);
    if (!c || c.snap.state !== 'established') throw new Error('No live call.');
    const valid = [...tones].filter((t) => DTMF_TONE.test(t)).join('');
    if (!valid) throw new Error('No DTMF tones.');
    const sender = this.pc(c)
      ?.getSenders()
      .find((x) => x.track?.kind === 'audio');
    if (this.config.dtmf === 'auto' && sender?.dtmf?.canInsertDTMF) {
      // insertDTMF replaces the tones still queued: keys pressed faster than they play would be
      // lost. Queue behind them instead.
      sender.dtmf.insertDTMF(sender.dtmf.toneBuffer + valid, 100, 70);
      return 'rfc4733';
    }
    for (const tone of valid) {
      await c.session.info({
        requestOptions: {
          body: {
            contentDisposition: 'render',
            contentType: 'application/dtmf-relay',
            content: `Signal=${tone}\r\nDuration=100`,
          },
        },
      });
    }
    return 'info';
  }

  /** Blind transfer: REFER the other side to `target`; our leg ends once the REFER is accepted. */
  async blindTransfer(id: string, target: string): Promise<void> {
    const c = this.calls.get(id);
    const uri = UserAgent.makeURI(this.targetUri(target));
    if (!c || c.snap.state !== 'established' || !uri) throw new Error('Cannot transfer this call.');
    await this.refer(c, uri);
  }

  /** Attended transfer: the first call's party replaces our leg of the second (REFER with Replaces). */
  async attendedTransfer(id: string, consultId: string): Promise<void> {
    const c = this.calls.get(id);
    const consult = this.calls.get(consultId);
    if (!c || !consult || consult.snap.state !== 'established') throw new Error('Cannot transfer.');
    consult.localEnd = 'transferred';
    this.update(consult, { consult: true });
    await this.refer(c, consult.session);
    // The target ends our consult leg when the Replaces INVITE arrives (sip.js does the BYE).
  }

  private async refer(c: Live, to: Parameters<Session['refer']>[0]): Promise<void> {
    await this.confirmed(c.session);
    return new Promise((resolve, reject) => {
      c.session
        .refer(to, {
          requestDelegate: {
            onAccept: () => {
              this.hangup(c.snap.id, 'transferred');
              resolve();
            },
            onReject: (res) => reject(new Error(`${res.message.statusCode} ${res.message.reasonPhrase}`)),
          },
        })
        .catch(reject);
    });
  }

  // The other side transfers us: accept, call the target (with Replaces if attended), end this leg.
  private referred(c: Live, referral: Referral): void {
    void referral.accept().then(() => {
      if (!this.ua) return;
      const inviter = referral.makeInviter({ sessionDescriptionHandlerOptions: this.media() });
      const snap = this.newSnap('out', 'dialing', clean(referral.referTo.uri.user ?? ''), '', 'to');
      const next = this.track(inviter, snap);
      inviter.invite().catch(() => this.ended(next, 'failed'));
      this.hangup(c.snap.id, 'transferred');
    });
  }

  /** Audio counters of a call for diagnostics and tests. */
  async mediaStats(
    id: string,
  ): Promise<{ bytesReceived: number; bytesSent: number; ice: string; direction: string }> {
    const pc = this.pc(this.calls.get(id));
    if (!pc) return { bytesReceived: 0, bytesSent: 0, ice: 'none', direction: 'none' };
    let bytesReceived = 0;
    let bytesSent = 0;
    (await pc.getStats()).forEach(
      (r: { type: string; kind?: string; bytesReceived?: number; bytesSent?: number }) => {
        if (r.type === 'inbound-rtp' && r.kind === 'audio') bytesReceived += r.bytesReceived ?? 0;
        if (r.type === 'outbound-rtp' && r.kind === 'audio') bytesSent += r.bytesSent ?? 0;
      },
    );
    // The negotiated direction of the audio: `recvonly` here while the other side holds the call.
    const direction = pc.getTransceivers()[0]?.currentDirection ?? 'none';
    return { bytesReceived, bytesSent, ice: pc.iceConnectionState, direction };
  }

  /**
   * Uses these devices from now on ('' for the system default): new calls capture from `input`,
   * live calls switch microphone (replaceTrack) and every call's audio plays on `output`.
   */
  async setDevices(next: { input: string; output: string }): Promise<void> {
    const inputChanged = next.input !== this.devices.input;
    this.devices = { ...next };
    for (const el of this.audio.values()) await setSink(el, next.output);
    if (!inputChanged) return;
    for (const c of this.calls.values()) {
      const pc = this.pc(c);
      const sender = pc?.getSenders().find((x) => x.track?.kind === 'audio');
      if (!sender) continue;
      const stream = await navigator.mediaDevices.getUserMedia(this.media().constraints);
      const track = stream.getAudioTracks()[0];
      if (!track) continue;
      const old = sender.track;
      await sender.replaceTrack(track);
      old?.stop();
      this.applyTracks(c);
    }
  }

  private media(): { constraints: MediaStreamConstraints } {
    const input = this.devices.input;
    return { constraints: { audio: input ? { deviceId: { exact: input } } : true, video: false } };
  }

  snapshot(id: string): CallSnapshot | null {
    const c = this.calls.get(id);
    return c ? { ...c.snap } : null;
  }

  /** The call's audio as it goes out (the agent's microphone) and comes in (the far end), for recording. */
  streams(id: string): { local: MediaStream; remote: MediaStream } | null {
    const pc = this.pc(this.calls.get(id));
    if (!pc) return null;
    const local = new MediaStream();
    const remote = new MediaStream();
    for (const s of pc.getSenders()) if (s.track?.kind === 'audio') local.addTrack(s.track);
    for (const r of pc.getReceivers()) if (r.track.kind === 'audio') remote.addTrack(r.track);
    return { local, remote };
  }

  // --- media ------------------------------------------------------------------------------------

  private pc(c: Live | undefined): RTCPeerConnection | null {
    const sdh = c?.session.sessionDescriptionHandler as { peerConnection?: RTCPeerConnection } | undefined;
    return sdh?.peerConnection ?? null;
  }

  private attachMedia(c: Live): void {
    const pc = this.pc(c);
    if (!pc) return;
    const stream = new MediaStream();
    for (const r of pc.getReceivers()) if (r.track.kind === 'audio') stream.addTrack(r.track);
    if (this.opts.play) return this.opts.play(c.snap.id, stream);
    const el = new Audio();
    el.autoplay = true;
    el.srcObject = stream;
    this.audio.set(c.snap.id, el);
    void setSink(el, this.devices.output);
    void el.play().catch(() => undefined);
  }

  private applyTracks(c: Live): void {
    const pc = this.pc(c);
    if (!pc) return;
    for (const s of pc.getSenders()) if (s.track) s.track.enabled = !c.snap.held && !c.snap.muted;
    for (const r of pc.getReceivers()) r.track.enabled = !c.snap.held;
  }

  // Signalling "established" says nothing about audio (FIELD-NOTES): watch ICE and inbound bytes.
  private startWatchdog(c: Live): void {
    c.lastFlowAt = Date.now();
    c.watchdog = setInterval(() => void this.checkMedia(c), 1000);
  }

  private async checkMedia(c: Live): Promise<void> {
    if (c.snap.state !== 'established') return;
    const { bytesReceived, ice } = await this.mediaStats(c.snap.id);
    const now = Date.now();
    const connected = ice === 'connected' || ice === 'completed';
    if (connected && (bytesReceived > c.lastBytes || c.snap.held)) {
      c.lastFlowAt = now;
      if (c.snap.media !== 'flowing') this.update(c, { media: 'flowing' });
    } else if (now - c.lastFlowAt >= this.opts.noMediaAfterMs && c.snap.media !== 'none') {
      this.update(c, { media: 'none' });
    }
    c.lastBytes = bytesReceived;
    if (connected) await this.sampleQuality(c);
    if (ice !== c.lastIce) {
      this.opts.log('info', `call ${c.snap.id}: ICE ${ice}, ${bytesReceived} bytes in`);
      c.lastIce = ice;
    }
    const gone = ice === 'disconnected' || ice === 'failed' || ice === 'closed';
    if (!gone || c.snap.held) return;
    // The dialog is unreachable and the other side has stopped sending: it hung up. No ghost call.
    if (c.snap.signalingLost) return this.hangup(c.snap.id, 'lost');
    // Media stopped for a while: ask the other side (re-INVITE). A refusal or no answer means the
    // dialog is gone (its BYE may have been lost with a server restart): end the call here too.
    if (now - c.lastFlowAt >= this.opts.noMediaAfterMs && !c.probing) {
      c.probing = true;
      const lost = () => this.hangup(c.snap.id, 'lost');
      c.session
        .invite({
          requestDelegate: {
            onAccept: () => {
              c.probing = false;
              c.lastFlowAt = Date.now();
            },
            onReject: lost,
          },
        })
        .catch(lost);
    }
  }

  // Call quality the way Twilio's Voice SDK estimates it (quality.ts); paused while on hold.
  private async sampleQuality(c: Live): Promise<void> {
    const pc = this.pc(c);
    if (!pc || c.snap.state !== 'established') return;
    if (c.snap.held) {
      c.q = resetBaseline(c.q);
      return;
    }
    const reports: StatLike[] = [];
    (await pc.getStats()).forEach((r: StatLike) => reports.push(r));
    if (c.snap.state !== 'established') return;
    c.q = addSample(c.q, rawSampleOf(reports));
    this.update(c, {
      quality: { mos: currentMos(c.q), warnings: [...c.q.active], summary: summarize(c.q) },
    });
  }

  private update(c: Live, patch: Partial<CallSnapshot>): void {
    Object.assign(c.snap, patch);
    this.emit(c);
  }

  private ended(c: Live, reason: EndReason): void {
    if (c.snap.state === 'ended') return;
    if (c.watchdog) clearInterval(c.watchdog);
    const el = this.audio.get(c.snap.id);
    if (el) el.srcObject = null;
    this.audio.delete(c.snap.id);
    this.opts.play?.(c.snap.id, null);
    this.calls.delete(c.snap.id);
    this.update(c, { state: 'ended', endedAt: Date.now(), endReason: reason });
  }

  private emit(c: Live): void {
    this.listener.onCall({ ...c.snap });
  }
}

/** Plays an element on an output device ('' for the default) where the platform can choose one. */
export async function setSink(el: HTMLMediaElement, deviceId: string): Promise<void> {
  const sinkable = el as HTMLMediaElement & { setSinkId?: (id: string) => Promise<void>; sinkId?: string };
  if (typeof sinkable.setSinkId !== 'function' || sinkable.sinkId === deviceId) return;
  await sinkable.setSinkId(deviceId).catch(() => sinkable.setSinkId?.('').catch(() => undefined));
}
