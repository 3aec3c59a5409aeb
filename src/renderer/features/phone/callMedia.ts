import type { Session } from 'sip.js';
import type { LiveCall } from './sipTypes';

/** Audio counters of a call: bytes each way, ICE state and the negotiated audio direction. */
export type MediaStats = { bytesReceived: number; bytesSent: number; ice: string; direction: string };

export const NO_MEDIA: MediaStats = { bytesReceived: 0, bytesSent: 0, ice: 'none', direction: 'none' };

/** The call's RTCPeerConnection, once sip.js made one. */
export function peerConnectionOf(c: LiveCall | undefined): RTCPeerConnection | null {
  const sdh = c?.session.sessionDescriptionHandler as { peerConnection?: RTCPeerConnection } | undefined;
  return sdh?.peerConnection ?? null;
}

/** Reads a call's audio counters from WebRTC stats. */
export async function readMediaStats(pc: RTCPeerConnection | null): Promise<MediaStats> {
  if (!pc) return NO_MEDIA;
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

/** The call's audio as it goes out (the agent's microphone) and comes in (the far end). */
export function callStreams(
  pc: RTCPeerConnection | null,
): { local: MediaStream; remote: MediaStream } | null {
  if (!pc) return null;
  const local = new MediaStream();
  const remote = new MediaStream();
  for (const s of pc.getSenders()) if (s.track?.kind === 'audio') local.addTrack(s.track);
  for (const r of pc.getReceivers()) if (r.track.kind === 'audio') remote.addTrack(r.track);
  return { local, remote };
}

/** The remote audio of a call as one stream, to play. */
export function remoteAudio(pc: RTCPeerConnection): MediaStream {
  const stream = new MediaStream();
  for (const r of pc.getReceivers()) if (r.track.kind === 'audio') stream.addTrack(r.track);
  return stream;
}

/**
 * Plays a call's remote audio: through `play` when given, else on a detached <audio> element on
 * the `output` device (returned, so the phone can move or stop it).
 */
export function playRemoteAudio(
  c: LiveCall,
  output: string,
  play: ((callId: string, stream: MediaStream | null) => void) | undefined,
): HTMLAudioElement | null {
  const pc = peerConnectionOf(c);
  if (!pc) return null;
  const stream = remoteAudio(pc);
  if (play) {
    play(c.snap.id, stream);
    return null;
  }
  const el = new Audio();
  el.autoplay = true;
  el.srcObject = stream;
  void setSink(el, output);
  void el.play().catch(() => undefined);
  return el;
}

/**
 * A live call captures from another microphone (replaceTrack, 1-2 ms: no renegotiation). When the
 * call sends a mix (a supervisor listens), `take` puts the new microphone into it instead and the
 * sender keeps the mix, so the supervisor goes on hearing the agent. [take: never]
 */
export async function switchMicrophone(
  c: LiveCall,
  constraints: MediaStreamConstraints,
  take: (track: MediaStreamTrack) => boolean = () => false,
): Promise<void> {
  const sender = peerConnectionOf(c)
    ?.getSenders()
    .find((x) => x.track?.kind === 'audio');
  if (!sender) return;
  const stream = await navigator.mediaDevices.getUserMedia(constraints);
  const track = stream.getAudioTracks()[0];
  if (!track) return;
  if (take(track)) return;
  const old = sender.track;
  await sender.replaceTrack(track);
  old?.stop();
  applyTracks(c);
}

/** Local tracks off while held or muted; remote tracks off while held. */
export function applyTracks(c: LiveCall): void {
  const pc = peerConnectionOf(c);
  if (!pc) return;
  for (const s of pc.getSenders()) if (s.track) s.track.enabled = !c.snap.held && !c.snap.muted;
  for (const r of pc.getReceivers()) r.track.enabled = !c.snap.held;
}

/** getUserMedia constraints for the chosen microphone ('' for the system default). */
export function mediaConstraints(input: string): { constraints: MediaStreamConstraints } {
  return { constraints: { audio: input ? { deviceId: { exact: input } } : true, video: false } };
}

/**
 * A callee's dialog waits for the ACK of its 200 OK ("AckWait"); a re-INVITE sent before the ACK
 * crosses it and the call fails (488). Waits until the dialog is confirmed (at most ~5 s).
 */
export async function dialogConfirmed(session: Session): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const state = (session as unknown as { dialog?: { sessionState?: string } }).dialog?.sessionState;
    if (state !== 'AckWait') return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Plays an element on an output device ('' for the default) where the platform can choose one. */
export async function setSink(el: HTMLMediaElement, deviceId: string): Promise<void> {
  const sinkable = el as HTMLMediaElement & { setSinkId?: (id: string) => Promise<void>; sinkId?: string };
  if (typeof sinkable.setSinkId !== 'function' || sinkable.sinkId === deviceId) return;
  await sinkable.setSinkId(deviceId).catch(() => sinkable.setSinkId?.('').catch(() => undefined));
}
