import { Invitation, Inviter, SessionState, UserAgent, type Referral, type Session } from 'sip.js';
import { callerIdentity, cleanIdText, conversationOf } from './callerIdentity';
import {
  applyTracks,
  callStreams,
  mediaConstraints,
  peerConnectionOf,
  playRemoteAudio,
  readMediaStats,
  setSink,
  switchMicrophone,
  type MediaStats,
} from './callMedia';
import { startWatchdog } from './mediaWatchdog';
import type { MonitorPhone } from './monitoring/monitorPhone';
import { probeReachable, referCall, reinviteHold, restartIce, sendDtmf } from './callControls';
import { SipConnection } from './sipConnection';
import { targetUri, toneOfInfo } from './sipUserAgent';
import {
  newLiveCall,
  newSnapshot,
  resolveSipOptions,
  type CallSnapshot,
  type CallState,
  type EndReason,
  type LiveCall,
  type PhoneListener,
  type Registration,
  type ResolvedSipOptions,
  type SipConfig,
  type SipPhoneOptions,
} from './sipTypes';

export type {
  CallSnapshot,
  CallState,
  EndReason,
  MediaHealth,
  PhoneListener,
  Registration,
  SipConfig,
  SipPhoneOptions,
} from './sipTypes';
export { callerIdentity, MAX_ID_TEXT } from './callerIdentity';
export { setSink } from './callMedia';

/**
 * A sip.js UserAgent + Registerer with what sip.js leaves to the app: reconnect with backoff and
 * re-register on transport loss, explicit ICE servers, a media-flow watchdog, hold, mute, DTMF and
 * transfers, and calls whose dialog is lost when the server restarts (ended, never left as ghosts).
 */
export class SipPhone {
  private readonly conn: SipConnection;
  private readonly calls = new Map<string, LiveCall>();
  private readonly opts: ResolvedSipOptions;
  private readonly audio = new Map<string, HTMLAudioElement>();
  /** Microphone and call-audio output device ids; '' is the system default. */
  private devices = { input: '', output: '' };
  /** Takes an INVITE before it rings (a supervisor's monitoring leg); true when it took it. */
  screenInvite: ((inv: Invitation) => boolean) | null = null;
  /**
   * Takes a call's new microphone when the call sends a mix rather than the microphone itself (a
   * supervisor listens: monitoring/agentMonitoring.ts); true when it took it.
   */
  takeMicrophone: ((callId: string, track: MediaStreamTrack) => boolean) | null = null;

  constructor(
    private readonly config: SipConfig,
    private readonly listener: PhoneListener,
    options: SipPhoneOptions = {},
  ) {
    this.opts = resolveSipOptions(options);
    this.conn = new SipConnection(config, this.opts, {
      onRegistration: (r, detail) => listener.onRegistration(r, detail),
      onInvite: (inv) => this.incoming(inv),
      onLost: () => {
        for (const c of this.calls.values()) if (c.snap.state === 'established') c.snap.signalingLost = true;
      },
      onReconnected: () => this.reconnected(),
      onNetworkChange: () => {
        for (const c of this.calls.values())
          if (c.snap.state === 'established') restartIce(c, (m) => this.opts.log('warn', m));
      },
    });
  }

  get state(): Registration {
    return this.conn.state;
  }

  private get ua(): UserAgent | null {
    return this.conn.ua;
  }

  /** Connects and registers; on failure keeps retrying with backoff until stop(). */
  start(): Promise<void> {
    return this.conn.start();
  }

  /** Ends every call, unregisters and disconnects. */
  stop(): Promise<void> {
    return this.conn.stop(() => {
      for (const id of [...this.calls.keys()]) this.hangup(id);
    });
  }

  /** Back after a loss: probe calls whose dialog may be gone; end calls still being set up. */
  private reconnected(): void {
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

  private probe(c: LiveCall): void {
    probeReachable(c, (yes) => this.update(c, { signalingLost: !yes }));
    this.emit(c);
  }

  // --- calls ------------------------------------------------------------------------------------

  private track(session: Session, snap: CallSnapshot): LiveCall {
    const c = newLiveCall(session, snap);
    this.calls.set(snap.id, c);
    session.delegate = {
      onInfo: (info) => {
        const tone = toneOfInfo(info.request.body ?? '');
        void info.accept();
        if (tone && this.listener.onDtmf) this.listener.onDtmf(snap.id, tone);
      },
      onRefer: (referral) => this.referred(c, referral),
    };
    session.stateChange.addListener((s) => {
      switch (s) {
        case SessionState.Established:
          this.update(c, { state: 'established', answeredAt: Date.now() });
          this.attachMedia(c);
          startWatchdog(c, {
            update: (x, patch) => this.update(x, patch),
            hangup: (id, reason) => this.hangup(id, reason),
            log: this.opts.log,
            noMediaAfterMs: this.opts.noMediaAfterMs,
          });
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
    if (this.screenInvite?.(inv)) return;
    const who = callerIdentity(inv.request);
    const snap = newSnapshot('in', 'ringing', who.user, who.name, who.source, {
      callId: inv.request.callId,
      conversationId: conversationOf(inv.request),
    });
    this.track(inv, snap);
    // The second leg of an attended transfer replaces a call this agent already answered.
    if (inv.replacee) void this.answer(snap.id);
  }

  /**
   * Places a call to a SIP URI or a user at the agent's domain; returns its id. `conversationId`:
   * the voice conversation the app made for it (a customer call), reported on its snapshots.
   */
  call(target: string, extraHeaders: string[] = [], conversationId: string | null = null): string {
    if (!this.ua) throw new Error('The phone is not started.');
    const uri = UserAgent.makeURI(targetUri(target, this.config.uri));
    if (!uri) throw new Error(`Cannot call ${target}`);
    const inviter = new Inviter(this.ua, uri, {
      sessionDescriptionHandlerOptions: this.media(),
      extraHeaders,
    });
    const sip = { callId: inviter.request.callId, conversationId };
    const c = this.track(inviter, newSnapshot('out', 'dialing', cleanIdText(uri.user ?? ''), '', 'to', sip));
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
    await reinviteHold(c, on, () => {
      this.update(c, { held: on });
      applyTracks(c);
    });
  }

  mute(id: string, on: boolean): void {
    const c = this.calls.get(id);
    if (!c) return;
    this.update(c, { muted: on });
    applyTracks(c);
  }

  /** Sends DTMF: RFC 4733 through the audio sender when possible (mode auto), else SIP INFO per tone. */
  async dtmf(id: string, tones: string): Promise<'rfc4733' | 'info'> {
    const c = this.calls.get(id);
    if (!c || c.snap.state !== 'established') throw new Error('No live call.');
    return sendDtmf(c, tones, this.config.dtmf);
  }

  /** Blind transfer: REFER the other side to `target`; our leg ends once the REFER is accepted. */
  async blindTransfer(id: string, target: string): Promise<void> {
    const c = this.calls.get(id);
    const uri = UserAgent.makeURI(targetUri(target, this.config.uri));
    if (!c || c.snap.state !== 'established' || !uri) throw new Error('Cannot transfer this call.');
    await referCall(c, uri, () => this.hangup(c.snap.id, 'transferred'));
  }

  /** Attended transfer: the first call's party replaces our leg of the second (REFER with Replaces). */
  async attendedTransfer(id: string, consultId: string): Promise<void> {
    const c = this.calls.get(id);
    const consult = this.calls.get(consultId);
    if (!c || !consult || consult.snap.state !== 'established') throw new Error('Cannot transfer.');
    consult.localEnd = 'transferred';
    this.update(consult, { consult: true });
    await referCall(c, consult.session, () => this.hangup(c.snap.id, 'transferred'));
    // The target ends our consult leg when the Replaces INVITE arrives (sip.js does the BYE).
  }

  // The other side transfers us: accept, call the target (with Replaces if attended), end this leg.
  private referred(c: LiveCall, referral: Referral): void {
    void referral.accept().then(() => {
      if (!this.ua) return;
      const inviter = referral.makeInviter({ sessionDescriptionHandlerOptions: this.media() });
      const user = cleanIdText(referral.referTo.uri.user ?? '');
      const snap = newSnapshot('out', 'dialing', user, '', 'to', {
        callId: inviter.request.callId,
        conversationId: null,
      });
      const next = this.track(inviter, snap);
      inviter.invite().catch(() => this.ended(next, 'failed'));
      this.hangup(c.snap.id, 'transferred');
    });
  }

  /** Audio counters of a call for diagnostics and tests. */
  mediaStats(id: string): Promise<MediaStats> {
    return readMediaStats(peerConnectionOf(this.calls.get(id)));
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
    for (const c of this.calls.values())
      await switchMicrophone(
        c,
        this.media().constraints,
        (track) => !!this.takeMicrophone?.(c.snap.id, track),
      );
  }

  private media(): { constraints: MediaStreamConstraints } {
    return mediaConstraints(this.devices.input);
  }

  snapshot(id: string): CallSnapshot | null {
    const c = this.calls.get(id);
    return c ? { ...c.snap } : null;
  }

  /** The call's audio as it goes out (the agent's microphone) and comes in (the far end), for recording. */
  streams(id: string): { local: MediaStream; remote: MediaStream } | null {
    return callStreams(peerConnectionOf(this.calls.get(id)));
  }

  /** What listen / whisper / barge needs of this phone (see monitoring/monitorPhone.ts). */
  monitorPort(): MonitorPhone {
    return {
      userAgent: () => this.ua,
      uriFor: (user) => targetUri(user, this.config.uri),
      establishedCalls: () =>
        [...this.calls.values()]
          .filter((c) => c.snap.state === 'established' && !c.snap.consult)
          .map((c) => ({ id: c.snap.id, sipCallId: (c.session as Invitation | Inviter).request.callId })),
      peerConnection: (id) => peerConnectionOf(this.calls.get(id)),
      sendsAudio: (id) => {
        const c = this.calls.get(id);
        return !!c && !c.snap.held && !c.snap.muted;
      },
      inputConstraints: () => this.media().constraints,
      outputDevice: () => this.devices.output,
    };
  }

  private attachMedia(c: LiveCall): void {
    const el = playRemoteAudio(c, this.devices.output, this.opts.play);
    if (el) this.audio.set(c.snap.id, el);
  }

  private update(c: LiveCall, patch: Partial<CallSnapshot>): void {
    Object.assign(c.snap, patch);
    this.emit(c);
  }

  private ended(c: LiveCall, reason: EndReason): void {
    if (c.snap.state === 'ended') return;
    if (c.watchdog) clearInterval(c.watchdog);
    const el = this.audio.get(c.snap.id);
    if (el) el.srcObject = null;
    this.audio.delete(c.snap.id);
    this.opts.play?.(c.snap.id, null);
    this.calls.delete(c.snap.id);
    this.update(c, { state: 'ended', endedAt: Date.now(), endReason: reason });
  }

  private emit(c: LiveCall): void {
    this.listener.onCall({ ...c.snap });
  }
}
