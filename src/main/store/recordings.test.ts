import { describe, expect, it } from 'vitest';
import {
  deleteRecording,
  getRecording,
  linkRecording,
  markRecordingFailed,
  purgeAbandonedRecordings,
  recordingBytes,
  recordingsToUpload,
  saveRecordingChunk,
} from './recordings';
import { openTestStore } from './testHelpers';

const ID = '0190a000-0000-7000-8000-0000000000a1';
const at = '2026-11-23T08:00:00.000Z';

describe('main/store/recordings', () => {
  it('takes chunks in order, repeats harmlessly, completes once, and is due only once linked', () => {
    const { store } = openTestStore();
    const db = store.db;
    expect(() => saveRecordingChunk(db, { id: ID, seq: 1, data: Buffer.from('x'), at })).toThrow(/chunk 0/);
    saveRecordingChunk(db, { id: ID, seq: 0, data: Buffer.from('ab'), at });
    saveRecordingChunk(db, { id: ID, seq: 0, data: Buffer.from('ab'), at }); // a retried call
    expect(() => saveRecordingChunk(db, { id: ID, seq: 2, data: Buffer.from('x'), at })).toThrow(
      /before chunk 1/,
    );
    const done = saveRecordingChunk(db, {
      id: ID,
      seq: 1,
      data: Buffer.from('cd'),
      final: { mime: 'audio/webm', durationMs: 1200 },
      at,
    });
    expect(done).toMatchObject({ complete: true, bytes: 4, mime: 'audio/webm', durationMs: 1200 });
    expect(() => saveRecordingChunk(db, { id: ID, seq: 2, data: Buffer.from('x'), at })).toThrow(/complete/);
    expect(recordingBytes(db, ID).toString()).toBe('abcd');

    expect(recordingsToUpload(db)).toEqual([]);
    linkRecording(db, ID, 'call-1');
    expect(recordingsToUpload(db).map((r) => r.callId)).toEqual(['call-1']);
    // Refused for good: kept (nothing is dropped), no longer retried.
    markRecordingFailed(db, ID, 'Call recording is off for this team.');
    expect(recordingsToUpload(db)).toEqual([]);
    expect(getRecording(db, ID)?.error).toMatch(/off for this team/);
    deleteRecording(db, ID);
    expect(getRecording(db, ID)).toBeNull();
    store.close();
  });

  it('drops recordings never linked to a call once they are old; keeps linked and recent ones', () => {
    const { store } = openTestStore();
    const db = store.db;
    const old = '0190a000-0000-7000-8000-0000000000b1';
    const linked = '0190a000-0000-7000-8000-0000000000b2';
    const recent = '0190a000-0000-7000-8000-0000000000b3';
    const final = { mime: 'audio/webm' as const, durationMs: 10 };
    saveRecordingChunk(db, {
      id: old,
      seq: 0,
      data: Buffer.from('a'),
      final,
      at: '2026-11-01T00:00:00.000Z',
    });
    saveRecordingChunk(db, {
      id: linked,
      seq: 0,
      data: Buffer.from('b'),
      final,
      at: '2026-11-01T00:00:00.000Z',
    });
    linkRecording(db, linked, 'call-2');
    saveRecordingChunk(db, { id: recent, seq: 0, data: Buffer.from('c'), at: '2026-11-23T00:00:00.000Z' });
    expect(purgeAbandonedRecordings(db, '2026-11-22T00:00:00.000Z')).toBe(1);
    expect(getRecording(db, old)).toBeNull();
    expect(getRecording(db, linked)).not.toBeNull();
    expect(getRecording(db, recent)).not.toBeNull();
    store.close();
  });
});
