import { SessionState, type Info, type Invitation } from 'sip.js';
import {
  GRANT_HEADER,
  GRANT_INFO_TYPE,
  GRANT_LIMITS,
  grantClaimsSchema,
  splitGrant,
  type GrantClaims,
  type MonitorEndReason,
} from '../../../../shared/monitoring';
import type { RedeemResult } from '../../../../shared/monitoringApi';
import type { ApiClient } from '../../../api/client';
import type { RootStore } from '../../../store';
import { MonitorMixer } from './monitorMixer';
import {
  audioReceiverTrack,
  audioSender,
  playStream,
  sessionPc,
  stopStream,
  type MonitorPhone,
} from './monitorPhone';

/** One supervisor on one of this agent's calls. */
type Joined = {
  inv: Invitation;
  /** The grant the session started with (mode changes name it). */
  first: GrantClaims;
  /** The phone's id of the customer call, and the SIP Call-ID it has. */
  callId: string;
  sipCallId: string;
  fromUser: string;
  mixer: MonitorMixer | null;
  /** The microphone track the customer call sent before the mix took its place. */
  mic: MediaStreamTrack | null;
  /** The supervisor's raw audio (muted: Web Audio needs it attached) and the agent's ear. */
  rawEl: HTMLAudioElement | null;
  earEl: HTMLAudioElement | null;
  ended: boolean;
};

/** The claims a token says it carries, unverified: only to find the call it names. */
function peekClaims(token: string): GrantClaims | null {
  const parts = splitGrant(token);
  if (!parts) return null;
  try {
    const r = grantClaimsSchema.safeParse(
      JSON.parse(atob(parts.claims.replace(/-/g, '+').replace(/_/g, '/'))),
    );
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

/**
 * The agent's side of listen / whisper / barge. An INVITE carrying a grant never rings: the grant
 * is redeemed at the relay (or checked with its key when offline), then the call is answered and
 * mixed (MonitorMixer) into the customer call's existing sender with replaceTrack, so the
 * customer's call is never put on hold or renegotiated. A refused grant is answered 403 with the
 * reason; the relay has logged it either way. INFO in the dialog carries the grant of a new mode.
 * The session ends when the supervisor leaves or the customer call ends.
 */
export class AgentMonitoring {
  private readonly sessions = new Map<string, Joined>();

  constructor(
    private readonly api: ApiClient,
    private readonly store: RootStore,
    private readonly phone: MonitorPhone,
    /** The customer call's sender changed track: recordings follow it (they record what the customer hears). */
    private readonly senderChanged: () => void,
    private readonly log: (msg: string) => void,
  ) {}

  /** Takes an INVITE that carries a grant (true), or leaves it to the phone (false). */
  screen(inv: Invitation): boolean {
    const token = inv.request.getHeader(GRANT_HEADER);
    if (token === undefined) return false;
    void this.admit(inv, token.trim().slice(0, GRANT_LIMITS.maxTokenChars + 1)).catch((err: unknown) => {
      this.log(`monitoring: could not admit a supervisor: ${String(err)}`);
      void inv.reject({ statusCode: 500 }).catch(() => undefined);
    });
    return true;
  }

  /**
   * The agent switched microphone on a call. When a supervisor's mix is what the call sends, the
   * new track goes into the mix (true: the call's sender keeps the mix, so the customer and the
   * supervisor both hear the new microphone); false when nobody's mix sends on that call.
   */
  takeMicrophone(callId: string, track: MediaStreamTrack): boolean {
    // The first session's mix takes the microphone; a second one mixes the first one's output.
    const j = [...this.sessions.values()].find((x) => x.callId === callId && !x.ended && x.mixer);
    if (!j?.mixer) return false;
    const old = j.mic;
    // Muted or held meanwhile: the new microphone is as the old one was.
    track.enabled = old?.enabled ?? true;
    j.mixer.replaceMic(track);
    j.mic = track; // what unmix puts back on the call when the supervisor leaves
    old?.stop();
    return true;
  }

  /** A customer call ended: so does every monitoring of it. */
  callEnded(callId: string): void {
    for (const j of [...this.sessions.values()]) if (j.callId === callId) this.end(j, true, 'call-ended');
  }

  private observed(claims: GrantClaims | null) {
    const calls = this.phone.establishedCalls();
    const named = claims ? calls.find((c) => c.sipCallId === claims.callId) : undefined;
    // The call the grant names when it is live here, else the call that is (a mismatch the relay logs).
    return named ?? calls[0] ?? null;
  }

  private async admit(inv: Invitation, token: string): Promise<void> {
    const fromUser = inv.request.from.uri.user ?? '';
    const call = this.observed(peekClaims(token));
    const r: RedeemResult = await this.api.call('monitoring:redeem', {
      grant: token,
      observed: { callId: call?.sipCallId ?? null, fromUser: fromUser.slice(0, 256) },
    });
    if (!r.ok || !call) {
      const reason = r.ok ? 'call-not-live' : r.reason;
      await inv.reject({
        statusCode: 403,
        reasonPhrase: 'Grant refused',
        extraHeaders: [`Reason: SIP;cause=403;text="monitoring grant refused: ${reason}"`],
      });
      return;
    }
    const j: Joined = {
      inv,
      first: r.claims,
      callId: call.id,
      sipCallId: call.sipCallId,
      fromUser,
      mixer: null,
      mic: null,
      rawEl: null,
      earEl: null,
      ended: false,
    };
    this.sessions.set(r.claims.id, j);
    inv.delegate = { onInfo: (info) => void this.modeChange(j, info) };
    inv.stateChange.addListener((s) => {
      if (s === SessionState.Established)
        void this.mix(j, r.claims).catch((err: unknown) => this.fail(j, err));
      if (s === SessionState.Terminated) this.end(j, false, 'supervisor-left');
    });
    await inv.accept({ sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } });
  }

  private async mix(j: Joined, claims: GrantClaims): Promise<void> {
    const customerPc = this.phone.peerConnection(j.callId);
    const monitorPc = sessionPc(j.inv);
    const toCustomer = audioSender(customerPc);
    const toSupervisor = audioSender(monitorPc);
    const customer = audioReceiverTrack(customerPc);
    const supervisor = audioReceiverTrack(monitorPc);
    if (!toCustomer?.track || !toSupervisor || !customer || !supervisor)
      throw new Error('the calls have no audio to mix');
    j.mic = toCustomer.track;
    j.mixer = new MonitorMixer({ mic: j.mic, customer, supervisor }, claims.mode);
    // Mute and hold act on what the call sends, now the mix: it starts as the call was. The
    // microphone feeding the mix stays on, so a muted or holding agent is still heard by the
    // supervisor (and can answer a whisper), never by the customer; and unmuting brings the voice
    // back (a microphone left off inside the mix would keep the agent silent to everyone).
    j.mixer.toCustomer.enabled = this.phone.sendsAudio(j.callId);
    j.mic.enabled = true;
    // The supervisor's leg sent a microphone of its own until now: the mix replaces it.
    const own = toSupervisor.track;
    await toSupervisor.replaceTrack(j.mixer.toSupervisor);
    own?.stop();
    await toCustomer.replaceTrack(j.mixer.toCustomer);
    this.senderChanged();
    const out = this.phone.outputDevice();
    j.rawEl = playStream(new MediaStream([supervisor]), out, true);
    j.earEl = playStream(j.mixer.toAgent, out, false);
    if (j.ended) this.unmix(j);
    else this.show(j, claims);
  }

  private async modeChange(j: Joined, info: Info): Promise<void> {
    const body = info.request.body ?? '';
    const type = info.request.getHeader('Content-Type') ?? '';
    if (!type.toLowerCase().startsWith(GRANT_INFO_TYPE)) return void info.accept().catch(() => undefined);
    const r = await this.api.call('monitoring:redeem', {
      grant: body.trim().slice(0, GRANT_LIMITS.maxTokenChars + 1),
      observed: { callId: j.sipCallId, fromUser: j.fromUser.slice(0, 256), sessionGrantId: j.first.id },
    });
    if (!r.ok || !j.mixer || r.claims.callId !== j.sipCallId) {
      await info.reject({ statusCode: 403, reasonPhrase: 'Grant refused' }).catch(() => undefined);
      return;
    }
    j.mixer.setMode(r.claims.mode);
    this.show(j, r.claims);
    await info.accept().catch(() => undefined);
  }

  private show(j: Joined, claims: GrantClaims): void {
    const set = this.store.setState;
    set({
      monitoredCalls: {
        ...this.store.getState().monitoredCalls,
        [j.callId]: { supervisorName: claims.supervisorName, mode: claims.mode, shown: claims.agentSees },
      },
    });
  }

  private fail(j: Joined, err: unknown): void {
    this.log(`monitoring: mixing failed: ${String(err)}`);
    this.end(j, true, 'failed');
  }

  /**
   * Puts the microphone back on the customer call (when it still runs), ends the supervisor's leg
   * and tells the relay why (it audits the session's end once, whichever side reports first).
   */
  private end(j: Joined, hangUp: boolean, reason: MonitorEndReason): void {
    if (j.ended) return;
    j.ended = true;
    void this.api.call('monitoring:end', { grantId: j.first.id, reason }).catch(() => undefined);
    this.sessions.delete(j.first.id);
    this.unmix(j);
    const { [j.callId]: _gone, ...rest } = this.store.getState().monitoredCalls;
    void _gone;
    this.store.setState({ monitoredCalls: rest });
    if (hangUp) {
      if (j.inv.state === SessionState.Established) void j.inv.bye().catch(() => undefined);
      else if (j.inv.state === SessionState.Initial || j.inv.state === SessionState.Establishing)
        void j.inv.reject().catch(() => undefined);
    }
  }

  /** The customer call sends the microphone again (when it still runs); the mix stops. */
  private unmix(j: Joined): void {
    const sender = audioSender(this.phone.peerConnection(j.callId));
    const mic = j.mic;
    if (sender && mic && mic.readyState === 'live' && sender.track !== mic) {
      // Muted or held meanwhile: the microphone comes back as the call is now.
      mic.enabled = this.phone.sendsAudio(j.callId);
      void sender
        .replaceTrack(mic)
        .then(() => this.senderChanged())
        .catch(() => undefined);
    }
    j.mixer?.close();
    j.mixer = null;
    stopStream(j.rawEl);
    stopStream(j.earEl);
    j.rawEl = j.earEl = null;
  }
}
