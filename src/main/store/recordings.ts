import type { RecordingMime } from '../../shared/recording';
import { stmt, type Db } from './statements';

/** Largest chunk the renderer may hand over at once (fits the app API's frames as base64). */
export const RECORDING_CHUNK_BYTES = 512 * 1024;

export type LocalRecording = {
  id: string;
  mime: RecordingMime | null;
  durationMs: number | null;
  complete: boolean;
  callId: string | null;
  error: string | null;
  bytes: number;
};

type Row = {
  id: string;
  mime: RecordingMime | null;
  duration_ms: number | null;
  complete: number;
  call_id: string | null;
  error: string | null;
  bytes: number | null;
};

const SELECT = `SELECT r.id, r.mime, r.duration_ms, r.complete, r.call_id, r.error,
  (SELECT sum(length(data)) FROM recording_chunks c WHERE c.recording_id = r.id) AS bytes FROM recordings r`;

const toRecording = (r: Row): LocalRecording => ({
  id: r.id,
  mime: r.mime,
  durationMs: r.duration_ms,
  complete: r.complete === 1,
  callId: r.call_id,
  error: r.error,
  bytes: r.bytes ?? 0,
});

/**
 * Appends chunk `seq` (0, 1, 2... in order; a repeated chunk replaces itself, so a retried call is
 * harmless). `final` completes the recording; nothing is accepted after that.
 */
export function saveRecordingChunk(
  db: Db,
  a: {
    id: string;
    seq: number;
    data: Buffer;
    final?: { mime: RecordingMime; durationMs: number };
    at: string;
  },
): LocalRecording {
  return db.transaction(() => {
    const cur = getRecording(db, a.id);
    if (cur?.complete) throw new Error('This recording is already complete.');
    if (!cur) {
      if (a.seq !== 0) throw new Error('A recording starts with chunk 0.');
      stmt(db, 'INSERT INTO recordings (id, created_at) VALUES (?, ?)').run(a.id, a.at);
    } else {
      const next = (
        stmt(db, 'SELECT coalesce(max(seq) + 1, 0) AS n FROM recording_chunks WHERE recording_id = ?').get(
          a.id,
        ) as { n: number }
      ).n;
      if (a.seq > next) throw new Error(`Chunk ${a.seq} came before chunk ${next}.`);
    }
    stmt(db, 'INSERT OR REPLACE INTO recording_chunks (recording_id, seq, data) VALUES (?, ?, ?)').run(
      a.id,
      a.seq,
      a.data,
    );
    if (a.final)
      stmt(db, 'UPDATE recordings SET mime = ?, duration_ms = ?, complete = 1 WHERE id = ?').run(
        a.final.mime,
        a.final.durationMs,
        a.id,
      );
    return getRecording(db, a.id)!;
  })();
}

export function getRecording(db: Db, id: string): LocalRecording | null {
  const r = stmt(db, `${SELECT} WHERE r.id = ?`).get(id) as Row | undefined;
  return r ? toRecording(r) : null;
}

/** Names the call record a complete recording belongs to: from now on it is due for upload. */
export function linkRecording(db: Db, id: string, callId: string): void {
  stmt(db, 'UPDATE recordings SET call_id = ? WHERE id = ? AND complete = 1').run(callId, id);
}

/** Complete, linked recordings the relay has not taken yet (and not refused for good). */
export function recordingsToUpload(db: Db): LocalRecording[] {
  const rows = stmt(
    db,
    `${SELECT} WHERE r.complete = 1 AND r.call_id IS NOT NULL AND r.error IS NULL ORDER BY r.created_at`,
  ).all() as Row[];
  return rows.map(toRecording);
}

/** The audio, whole. */
export function recordingBytes(db: Db, id: string): Buffer {
  const rows = stmt(db, 'SELECT data FROM recording_chunks WHERE recording_id = ? ORDER BY seq').all(id) as {
    data: Buffer;
  }[];
  return Buffer.concat(rows.map((r) => r.data));
}

export function markRecordingFailed(db: Db, id: string, error: string): void {
  stmt(db, 'UPDATE recordings SET error = ? WHERE id = ?').run(error.slice(0, 500), id);
}

/** The relay has it: the local copy goes. */
export function deleteRecording(db: Db, id: string): void {
  db.transaction(() => {
    stmt(db, 'DELETE FROM recording_chunks WHERE recording_id = ?').run(id);
    stmt(db, 'DELETE FROM recordings WHERE id = ?').run(id);
  })();
}

/**
 * Recordings never linked to a call record by `before` (an internal or anonymous call with nothing
 * to file it under, or a save cut off by a crash) are dropped: nothing will ever upload them.
 */
export function purgeAbandonedRecordings(db: Db, before: string): number {
  return db.transaction(() => {
    const ids = (
      stmt(db, 'SELECT id FROM recordings WHERE call_id IS NULL AND created_at < ?').all(before) as {
        id: string;
      }[]
    ).map((r) => r.id);
    for (const id of ids) deleteRecording(db, id);
    return ids.length;
  })();
}
