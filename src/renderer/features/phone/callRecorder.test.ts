import { afterEach, describe, expect, it, vi } from 'vitest';
import { CallRecorder, fromBase64, recordingMime, toBase64 } from './callRecorder';

// Web Audio and MediaRecorder do not exist in jsdom: minimal fakes record how the graph is wired.
type Node = { stream: unknown; connectedTo: unknown[]; disconnected: boolean };
const nodes: Node[] = [];
class FakeContext {
  createMediaStreamDestination() {
    return { stream: { kind: 'mixed' } };
  }
  createMediaStreamSource(stream: unknown) {
    const n: Node & { connect: (d: unknown) => void; disconnect: () => void } = {
      stream,
      connectedTo: [],
      disconnected: false,
      connect(d) {
        this.connectedTo.push(d);
      },
      disconnect() {
        this.disconnected = true;
      },
    };
    nodes.push(n);
    return n;
  }
  resume() {
    return Promise.resolve();
  }
  close() {
    return Promise.resolve();
  }
}
class FakeRecorder {
  static isTypeSupported = (t: string) => t.startsWith('audio/webm');
  state = 'inactive';
  ondataavailable: ((e: { data: Blob }) => void) | null = null;
  onstop: (() => void) | null = null;
  start() {
    this.state = 'recording';
    this.ondataavailable?.({ data: new Blob(['opus-bytes']) });
  }
  stop() {
    this.state = 'inactive';
    this.onstop?.();
  }
}
const stream = (label: string) => ({ label, getAudioTracks: () => [{ label }] }) as unknown as MediaStream;

afterEach(() => {
  vi.unstubAllGlobals();
  nodes.length = 0;
});

describe('renderer/phone/CallRecorder', () => {
  it('mixes both sides, follows a microphone switch, and stops cleanly', async () => {
    vi.stubGlobal('AudioContext', FakeContext);
    vi.stubGlobal('MediaRecorder', FakeRecorder);
    const r = new CallRecorder(stream('mic-1'), stream('far-end'));
    expect(nodes.map((n) => (n.stream as { label: string }).label)).toEqual(['mic-1', 'far-end']);
    r.replaceLocal(stream('mic-2'));
    expect(nodes[0]!.disconnected).toBe(true);
    expect(nodes[2]).toMatchObject({ stream: { label: 'mic-2' }, disconnected: false });
    expect(nodes[2]!.connectedTo).toHaveLength(1);
    expect(r.takeChunks()).toHaveLength(1); // handed over while the call goes on
    expect(r.takeChunks()).toHaveLength(0);
    const done = await r.stop();
    expect(done.mime).toBe('audio/webm');
    expect(nodes[1]!.disconnected && nodes[2]!.disconnected).toBe(true);
  });

  it('picks a container the browser can write, and base64 round-trips bytes', () => {
    expect(recordingMime((t) => t === 'audio/ogg;codecs=opus')).toEqual({
      mime: 'audio/ogg',
      mimeType: 'audio/ogg;codecs=opus',
    });
    expect(recordingMime(() => false)).toBeNull();
    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => i % 256);
    expect(Array.from(fromBase64(toBase64(bytes)))).toEqual(Array.from(bytes));
  });
});
