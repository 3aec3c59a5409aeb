import type { ApiClient } from '../../api/client';
import type { RootStore } from '../../store';
import type { CallRecording } from '../../../shared/recording';
import { CallRecorder, toBase64 } from './callRecorder';
import type { CallSnapshot } from './sipTypes';

type LiveRecording = {
  r: CallRecorder;
  /** The recording's id in main and on the relay. */
  id: string;
  /** Next chunk number, and bytes handed over so far. */
  seq: number;
  bytes: number;
  /** Hand-overs run one after another, in order. */
  chain: Promise<void>;
  timer: ReturnType<typeof setInterval>;
};

export type RecordingOptions = {
  /** Recorded audio is handed to main this often while the call lasts. Default 5000 ms. */
  flushMs?: number;
  /** Largest piece per hand-over. Default 512 KiB. */
  pieceBytes?: number;
};

/**
 * Recording (when the agent's team records calls): both sides mixed, from answer to hang-up,
 * handed to main every few seconds while the call lasts (kept in the encrypted cache until the
 * relay has it), so a crash mid-call loses seconds, not the call.
 */
export class PhoneRecordings {
  private readonly live = new Map<string, LiveRecording>();
  private readonly checked = new Set<string>();
  private readonly saved = new Map<string, Promise<CallRecording | null>>();
  private readonly flushMs: number;
  private readonly pieceBytes: number;

  constructor(
    private readonly api: ApiClient,
    private readonly store: RootStore,
    private readonly streamsOf: (callId: string) => { local: MediaStream; remote: MediaStream } | null,
    private readonly fail: (err: unknown) => void,
    o: RecordingOptions = {},
  ) {
    this.flushMs = o.flushMs ?? 5000;
    this.pieceBytes = o.pieceBytes ?? 512 * 1024;
  }

  /** Follows a call: starts recording when it is answered (once), stops when it ends. */
  onCall(c: CallSnapshot): void {
    if (c.state === 'established' && !c.consult && !this.checked.has(c.id)) void this.start(c);
    if (c.state === 'ended') this.stop(c.id);
  }

  /** The microphone changed: the recordings follow it. */
  inputChanged(): void {
    for (const [id, live] of this.live) {
      const st = this.streamsOf(id);
      if (st) live.r.replaceLocal(st.local);
    }
  }

  /** The call's finished recording (null: none), once; for the wrap-up's call record. */
  async take(callId: string): Promise<CallRecording | null> {
    const r = (await this.saved.get(callId)) ?? null;
    this.saved.delete(callId);
    return r;
  }

  private async start(c: CallSnapshot): Promise<void> {
    this.checked.add(c.id);
    const s = this.store.getState;
    try {
      const policy = await this.api.call('recordings:policy', {});
      const streams = this.streamsOf(c.id);
      const stillLive = s().calls.some((x) => x.id === c.id && x.state === 'established');
      if (!policy.enabled || !streams || !stillLive) return;
      const live: LiveRecording = {
        r: new CallRecorder(streams.local, streams.remote),
        id: crypto.randomUUID(),
        seq: 0,
        bytes: 0,
        chain: Promise.resolve(),
        timer: setInterval(() => void this.flush(live).catch(this.fail), this.flushMs),
      };
      this.live.set(c.id, live);
      this.store.setState({ recordingCalls: { ...s().recordingCalls, [c.id]: policy.consentText } });
    } catch (err) {
      this.fail(err);
    }
  }

  /** Hands what was recorded since the last flush to main, in order; `final` completes it. */
  private flush(
    live: LiveRecording,
    final?: { mime: CallRecording['mime']; durationMs: number },
  ): Promise<void> {
    live.chain = live.chain.then(async () => {
      const bytes = new Uint8Array(await new Blob(live.r.takeChunks()).arrayBuffer());
      const pieces: Uint8Array[] = [];
      for (let at = 0; at < bytes.length; at += this.pieceBytes)
        pieces.push(bytes.subarray(at, at + this.pieceBytes));
      if (pieces.length === 0) {
        if (!final) return;
        pieces.push(bytes); // nothing new, but the end is still marked
      }
      for (const [i, piece] of pieces.entries()) {
        await this.api.call('recordings:save', {
          id: live.id,
          seq: live.seq,
          base64: toBase64(piece),
          ...(final && i === pieces.length - 1 ? { final } : {}),
        });
        live.seq += 1;
        live.bytes += piece.length;
      }
    });
    return live.chain;
  }

  private async save(live: LiveRecording): Promise<CallRecording | null> {
    const { mime, durationMs } = await live.r.stop();
    await this.flush(live, { mime, durationMs }); // what no flush took yet, and the end
    return live.bytes > 0 ? { id: live.id, mime, durationMs, bytes: live.bytes } : null;
  }

  private stop(id: string): void {
    const live = this.live.get(id);
    this.checked.delete(id);
    if (!live) return;
    clearInterval(live.timer);
    this.live.delete(id);
    const { [id]: _done, ...rest } = this.store.getState().recordingCalls;
    void _done;
    this.store.setState({ recordingCalls: rest });
    this.saved.set(
      id,
      this.save(live).catch((err: unknown) => {
        this.fail(err);
        return null;
      }),
    );
  }
}
