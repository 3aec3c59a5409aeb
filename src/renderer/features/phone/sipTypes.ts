import type { Session } from 'sip.js';
import type { CallQualitySummary, QualityWarning } from '../../../shared/callQuality';
import { initialQuality, type QualityState } from './quality';

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
  /** The SIP Call-ID (what the SIP server and the relay know the call by). */
  sipCallId: string;
  /**
   * The voice conversation of the call: named by the relay for a queue call (the INVITE's
   * X-Switchboard-Conversation), made by the app for a customer call the agent places; null for
   * a direct call between extensions.
   */
  conversationId: string | null;
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

export type SipLog = (level: 'debug' | 'info' | 'warn' | 'error', msg: string) => void;

export type SipPhoneOptions = {
  /** ICE gathering gives up after this long and sends what it has. Default 500 ms. */
  iceGatheringTimeoutMs?: number;
  /** An established call with no inbound audio or ICE for this long is flagged. Default 4000 ms. */
  noMediaAfterMs?: number;
  /** Reconnect backoff: first delay and cap. Defaults 250 ms and 10 s, with jitter. */
  backoffMs?: { first: number; max: number };
  /** Registration lifetime asked of the registrar. Default 300 s. */
  expiresS?: number;
  log?: SipLog;
  /** Plays a call's remote audio; default: a detached <audio> element. */
  play?: (callId: string, stream: MediaStream | null) => void;
};

/** SipPhoneOptions with their defaults filled in. */
export type ResolvedSipOptions = Required<Omit<SipPhoneOptions, 'play'>> & {
  play: SipPhoneOptions['play'] | undefined;
};

/** Fills in SipPhoneOptions' defaults. */
export function resolveSipOptions(options: SipPhoneOptions): ResolvedSipOptions {
  return {
    iceGatheringTimeoutMs: options.iceGatheringTimeoutMs ?? 500,
    noMediaAfterMs: options.noMediaAfterMs ?? 4000,
    backoffMs: options.backoffMs ?? { first: 250, max: 10_000 },
    expiresS: options.expiresS ?? 300,
    log: options.log ?? (() => {}),
    play: options.play,
  };
}

/** A call the phone tracks: what the UI sees plus the session and the media watchdog's memory. */
export type LiveCall = {
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

/** A new call snapshot, not answered, no media yet. */
export function newSnapshot(
  direction: 'in' | 'out',
  state: CallState,
  user: string,
  name: string,
  source: CallSnapshot['identitySource'],
  sip: { callId: string; conversationId: string | null } = { callId: '', conversationId: null },
): CallSnapshot {
  return {
    id: crypto.randomUUID(),
    sipCallId: sip.callId,
    conversationId: sip.conversationId,
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

/** Tracking state of a fresh call. */
export function newLiveCall(session: Session, snap: CallSnapshot): LiveCall {
  return {
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
}
