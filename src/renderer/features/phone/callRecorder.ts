import type { RecordingMime } from '../../../shared/recording';

/** Picks the first container this browser's MediaRecorder writes (Chromium: WebM/Opus). */
export function recordingMime(
  isSupported: (t: string) => boolean = (t) => MediaRecorder.isTypeSupported(t),
): { mime: RecordingMime; mimeType: string } | null {
  for (const [mime, mimeType] of [
    ['audio/webm', 'audio/webm;codecs=opus'],
    ['audio/ogg', 'audio/ogg;codecs=opus'],
  ] as const)
    if (isSupported(mimeType)) return { mime, mimeType };
  return null;
}

/**
 * Records both sides of a call mixed into one track: the agent's microphone (what the call sends)
 * and the far end (what it receives), summed in Web Audio and written by MediaRecorder as Opus.
 * Works on tracks, so mute and hold are heard in the recording as they were on the call.
 */
export class CallRecorder {
  private readonly ctx: AudioContext;
  private readonly recorder: MediaRecorder;
  private readonly chunks: Blob[] = [];
  private readonly startedAt = Date.now();
  private readonly out: MediaStreamAudioDestinationNode;
  private local: MediaStreamAudioSourceNode | null = null;
  private remote: MediaStreamAudioSourceNode | null = null;
  private stopped = false;
  readonly mime: RecordingMime;

  constructor(local: MediaStream, remote: MediaStream) {
    const kind = recordingMime();
    if (!kind) throw new Error('This system cannot record audio (no Opus encoder for MediaRecorder).');
    this.mime = kind.mime;
    this.ctx = new AudioContext();
    this.out = this.ctx.createMediaStreamDestination();
    this.local = this.source(local);
    this.remote = this.source(remote);
    this.recorder = new MediaRecorder(this.out.stream, {
      mimeType: kind.mimeType,
      audioBitsPerSecond: 32_000,
    });
    this.recorder.ondataavailable = (e) => {
      if (e.data.size > 0) this.chunks.push(e.data);
    };
    // A chunk a second: a crash loses at most a second, and memory stays flat in Blobs.
    this.recorder.start(1000);
    void this.ctx.resume().catch(() => undefined);
  }

  private source(s: MediaStream): MediaStreamAudioSourceNode | null {
    if (s.getAudioTracks().length === 0) return null;
    const src = this.ctx.createMediaStreamSource(s);
    src.connect(this.out);
    return src;
  }

  /** The agent switched microphone mid-call (a new sending track): record the new one from now on. */
  replaceLocal(local: MediaStream): void {
    if (this.stopped) return;
    this.local?.disconnect();
    this.local = this.source(local);
  }

  /** The audio recorded since the last call (chunks of about a second), for handing over as it goes. */
  takeChunks(): Blob[] {
    return this.chunks.splice(0);
  }

  /** Stops; the last audio is then waiting in takeChunks(). */
  stop(): Promise<{ mime: RecordingMime; durationMs: number }> {
    const durationMs = Date.now() - this.startedAt;
    this.stopped = true;
    return new Promise((resolve) => {
      const done = () => {
        this.local?.disconnect();
        this.remote?.disconnect();
        void this.ctx.close().catch(() => undefined);
        resolve({ mime: this.mime, durationMs });
      };
      if (this.recorder.state === 'inactive') return done();
      this.recorder.onstop = done;
      this.recorder.stop();
    });
  }
}

/** Base64 of a byte range, for the app API (no spread of big arrays: chunked conversion). */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function fromBase64(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
