import type { UserAgent } from 'sip.js';

/**
 * What listen / whisper / barge needs of the softphone: its user agent (the supervisor's leg and
 * the agent's answer to it are sessions of their own, never calls of the phone: no ring, no call
 * card, no wrap-up), and the customer call's media (its peer connection, found by SIP Call-ID).
 */
export type MonitorPhone = {
  userAgent(): UserAgent | null;
  /** `sip:<user>@<this phone's domain>`. */
  uriFor(user: string): string;
  /** The phone's established calls with their SIP Call-IDs. */
  establishedCalls(): { id: string; sipCallId: string }[];
  peerConnection(callId: string): RTCPeerConnection | null;
  /** Muted or held: what the call sends is off (the mix follows). */
  sendsAudio(callId: string): boolean;
  /** getUserMedia constraints of the chosen microphone. */
  inputConstraints(): MediaStreamConstraints;
  /** The chosen call-audio output device ('' for the default). */
  outputDevice(): string;
};

/** Plays a stream on a detached <audio> element on `output` (muted: kept live for Web Audio only). */
export function playStream(stream: MediaStream, output: string, muted: boolean): HTMLAudioElement {
  const el = new Audio();
  el.autoplay = true;
  el.muted = muted;
  el.srcObject = stream;
  const sinkable = el as HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };
  if (output && typeof sinkable.setSinkId === 'function')
    void sinkable.setSinkId(output).catch(() => undefined);
  void el.play().catch(() => undefined);
  return el;
}

export function stopStream(el: HTMLAudioElement | null): void {
  if (!el) return;
  el.pause();
  el.srcObject = null;
}

/** The peer connection of a sip.js session, once it has one. */
export function sessionPc(session: { sessionDescriptionHandler?: unknown }): RTCPeerConnection | null {
  const sdh = session.sessionDescriptionHandler as { peerConnection?: RTCPeerConnection } | undefined;
  return sdh?.peerConnection ?? null;
}

export const audioSender = (pc: RTCPeerConnection | null) =>
  pc?.getSenders().find((s) => s.track?.kind === 'audio' || s.track === null) ?? null;
export const audioReceiverTrack = (pc: RTCPeerConnection | null) =>
  pc?.getReceivers().find((r) => r.track.kind === 'audio')?.track ?? null;
