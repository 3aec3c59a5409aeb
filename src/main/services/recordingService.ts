import {
  DEFAULT_RECORDING_POLICY,
  mayPlayRecordings,
  recordingPolicySchema,
  type RecordingMime,
  type RecordingPolicy,
} from '../../shared/recording';
import type { Logger } from '../base/logger';
import { LOCAL_ERR, LocalError } from '../base/errors';
import type { LocalStore } from '../store/localStore';
import {
  deleteRecording,
  getRecording,
  markRecordingFailed,
  purgeAbandonedRecordings,
  RECORDING_CHUNK_BYTES,
  recordingBytes,
  recordingsToUpload,
  saveRecordingChunk,
} from '../store/recordings';
import { RELAY_ROUTES as R, routePath } from '../../shared/relayRoutes';

export type RecordingPolicyView = { enabled: boolean; consentText: string; canPlay: boolean };

type Relay = (
  path: string,
  init?: { method?: string; headers?: Record<string, string>; body?: Uint8Array },
) => Promise<Response>;

/** Answers that will not change on a retry: keep the audio, stop trying, say why. */
const FINAL_REFUSALS = new Set([400, 403, 404, 413, 415, 422]);

/**
 * Call recordings on the app side: the team's policy (from the synced team record), the audio the
 * renderer recorded kept in the encrypted cache until the relay has it (offline-first, like every
 * other change), the upload once the call record is in, and playback (local copy first).
 */
export class RecordingService {
  private uploading = false;
  private retry: ReturnType<typeof setTimeout> | null = null;
  /** The last recording fetched from the relay for playback, served in windows. */
  private played: { id: string; mime: string; bytes: Buffer } | null = null;

  constructor(
    private readonly o: {
      store: () => LocalStore;
      relay: Relay;
      log: Logger;
      /** Delay before trying again after the relay could not take a recording yet. Default 5 s. */
      retryMs?: number;
    },
  ) {}

  /** Whether this agent's calls are recorded, what to announce, and whether the agent may play them. */
  policy(): RecordingPolicyView {
    const s = this.o.store();
    const agent = s.identity()?.agent;
    const policies: RecordingPolicy[] = (agent?.teamIds ?? []).map((t) => {
      const r = recordingPolicySchema.safeParse(s.record('team', t)?.data['recording']);
      return r.success ? r.data : DEFAULT_RECORDING_POLICY;
    });
    const on = policies.find((p) => p.enabled);
    const role = agent?.role ?? 'agent';
    return {
      enabled: !!on,
      consentText: (on ?? DEFAULT_RECORDING_POLICY).consentText,
      canPlay: role === 'admin' || policies.some((p) => mayPlayRecordings(p, role)),
    };
  }

  save(a: {
    id: string;
    seq: number;
    base64: string;
    final?: { mime: RecordingMime; durationMs: number } | undefined;
  }) {
    const data = Buffer.from(a.base64, 'base64');
    if (data.length > RECORDING_CHUNK_BYTES)
      throw new LocalError(
        LOCAL_ERR.INVALID_MUTATION,
        `Send recordings in chunks of at most ${RECORDING_CHUNK_BYTES} bytes.`,
      );
    try {
      const r = saveRecordingChunk(this.o.store().db, {
        id: a.id,
        seq: a.seq,
        data,
        ...(a.final ? { final: a.final } : {}),
        at: new Date().toISOString(),
      });
      return { bytes: r.bytes, complete: r.complete };
    } catch (err) {
      throw new LocalError(LOCAL_ERR.INVALID_MUTATION, err instanceof Error ? err.message : String(err));
    }
  }

  /** A window of a recording's audio: the local copy while it has not been uploaded, else the relay's. */
  async read(
    id: string,
    offset: number,
  ): Promise<{ mime: string; total: number; offset: number; base64: string }> {
    let whole: { mime: string; bytes: Buffer };
    const local = getRecording(this.o.store().db, id);
    if (local?.complete) whole = { mime: local.mime!, bytes: recordingBytes(this.o.store().db, id) };
    else if (this.played?.id === id) whole = this.played;
    else {
      const res = await this.o.relay(routePath(R.recording, { recordingId: id }));
      if (!res.ok) throw new LocalError(LOCAL_ERR.INVALID_MUTATION, await reason(res));
      whole = {
        mime: res.headers.get('content-type') ?? 'audio/webm',
        bytes: Buffer.from(await res.arrayBuffer()),
      };
      this.played = { id, ...whole };
    }
    const slice = whole.bytes.subarray(offset, offset + RECORDING_CHUNK_BYTES);
    return { mime: whole.mime, total: whole.bytes.length, offset, base64: slice.toString('base64') };
  }

  /** Uploads what is due; safe to call often (one pass at a time; retries itself while needed). */
  async upload(): Promise<void> {
    if (this.uploading) return;
    this.uploading = true;
    let again = false;
    try {
      const db = this.o.store().db;
      purgeAbandonedRecordings(db, new Date(Date.now() - 86_400_000).toISOString());
      for (const r of recordingsToUpload(db)) {
        let res: Response;
        try {
          res = await this.o.relay(routePath(R.uploadRecording, { recordingId: r.id }, `call=${r.callId!}`), {
            method: 'PUT',
            headers: { 'content-type': r.mime! },
            body: recordingBytes(db, r.id),
          });
        } catch (err) {
          this.o.log.info({ err: String(err), recording: r.id }, 'recording upload waits for the relay');
          again = true;
          break;
        }
        if (res.ok) {
          deleteRecording(db, r.id);
          this.o.log.info({ recording: r.id, bytes: r.bytes }, 'recording uploaded');
        } else if (FINAL_REFUSALS.has(res.status)) {
          const why = await reason(res);
          markRecordingFailed(db, r.id, why);
          this.o.log.warn(
            { recording: r.id, status: res.status, why },
            'relay refused a recording; kept locally',
          );
        } else {
          await res.arrayBuffer().catch(() => undefined);
          again = true; // 409: the call record has not reached the relay yet; 5xx, 401: later
        }
      }
    } catch (err) {
      if (!(err instanceof LocalError)) this.o.log.warn({ err }, 'recording upload failed');
      again = true;
    } finally {
      this.uploading = false;
    }
    if (again && !this.retry)
      this.retry = setTimeout(() => {
        this.retry = null;
        void this.upload();
      }, this.o.retryMs ?? 5000).unref();
  }

  stop(): void {
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.played = null;
  }
}

async function reason(res: Response): Promise<string> {
  const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  return body?.error?.message ?? `The server answered ${res.status}.`;
}
