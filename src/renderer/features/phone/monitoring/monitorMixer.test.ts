import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LiveCall } from '../sipTypes';
import { switchMicrophone } from '../callMedia';
import { MonitorMixer } from './monitorMixer';

// Web Audio, MediaStream and WebRTC do not exist in jsdom: minimal fakes record how the graph is
// wired and which track each sender carries (the real mix is heard in the monitoring e2e).
type FakeTrack = { label: string; kind: 'audio'; enabled: boolean; stopped: boolean; stop(): void };
const track = (label: string): FakeTrack => ({
  label,
  kind: 'audio',
  enabled: true,
  stopped: false,
  stop() {
    this.stopped = true;
  },
});
type Dest = { name: string; stream: { getAudioTracks(): FakeTrack[] } };
type Source = { input: string; to: unknown[]; disconnected: boolean };
const sources: Source[] = [];

class FakeStream {
  constructor(readonly tracks: FakeTrack[]) {}
  getAudioTracks() {
    return this.tracks;
  }
}
class FakeContext {
  private dests = 0;
  createMediaStreamSource(s: FakeStream) {
    const node = {
      input: s.tracks[0]!.label,
      to: [] as unknown[],
      disconnected: false,
      connect(d: unknown) {
        this.to.push(d);
        return d;
      },
      disconnect() {
        this.disconnected = true;
      },
    };
    sources.push(node);
    return node;
  }
  createMediaStreamDestination(): Dest {
    const name = ['toCustomer', 'toSupervisor', 'toAgent'][this.dests++]!;
    const out = track(`${name}-out`);
    return { name, stream: { getAudioTracks: () => [out] } };
  }
  createGain() {
    return {
      gain: { value: 1 },
      connect(d: unknown) {
        return d;
      },
    };
  }
  resume = () => Promise.resolve();
  close = () => Promise.resolve();
}

const destNames = (s: Source) => s.to.map((d) => (d as Dest).name).sort();
const live = (label: string) => sources.filter((s) => s.input === label && !s.disconnected);

function mixer() {
  vi.stubGlobal('MediaStream', FakeStream);
  const m = new MonitorMixer(
    {
      mic: track('mic-1') as unknown as MediaStreamTrack,
      customer: track('customer') as unknown as MediaStreamTrack,
      supervisor: track('supervisor') as unknown as MediaStreamTrack,
    },
    'listen',
    new FakeContext() as unknown as AudioContext,
  );
  return m;
}

afterEach(() => {
  vi.unstubAllGlobals();
  sources.length = 0;
});

describe('renderer/phone/monitoring/MonitorMixer', () => {
  it('sends the microphone to the customer and the supervisor, and the customer to the supervisor only', () => {
    mixer();
    expect(destNames(live('mic-1')[0]!)).toEqual(['toCustomer', 'toSupervisor']);
    expect(destNames(live('customer')[0]!)).toEqual(['toSupervisor']);
  });

  it('takes a new microphone into both mixes and drops the old one, keeping its output tracks', () => {
    const m = mixer();
    const before = { toCustomer: m.toCustomer, toSupervisor: m.toSupervisor };
    m.replaceMic(track('mic-2') as unknown as MediaStreamTrack);
    expect(live('mic-1')).toEqual([]);
    expect(live('mic-2').map(destNames)).toEqual([['toCustomer', 'toSupervisor']]);
    // The calls' senders carry these tracks: they stay, so nothing changes on either call.
    expect({ toCustomer: m.toCustomer, toSupervisor: m.toSupervisor }).toEqual(before);
    m.close();
    expect(sources.every((s) => s.disconnected)).toBe(true);
  });
});

describe('renderer/phone/callMedia switchMicrophone', () => {
  function call(sent: FakeTrack) {
    const sender = {
      track: sent,
      replaceTrack: vi.fn(async (t: FakeTrack) => {
        sender.track = t;
      }),
    };
    const pc = { getSenders: () => [sender], getReceivers: () => [] };
    const c = {
      snap: { id: 'call-1', held: false, muted: false },
      session: { sessionDescriptionHandler: { peerConnection: pc } },
    } as unknown as LiveCall;
    const fresh = track('mic-2');
    vi.stubGlobal('navigator', {
      mediaDevices: { getUserMedia: async () => new FakeStream([fresh]) },
    });
    return { c, sender, fresh };
  }

  it('leaves a monitored call’s mix on its sender and hands the new microphone to the mix', async () => {
    const mix = track('toCustomer-out');
    const { c, sender, fresh } = call(mix);
    const taken: FakeTrack[] = [];
    await switchMicrophone(c, { audio: true }, (t) => {
      taken.push(t as unknown as FakeTrack);
      return true;
    });
    expect(taken).toEqual([fresh]);
    expect(sender.replaceTrack).not.toHaveBeenCalled();
    expect(sender.track).toBe(mix);
    expect(mix.stopped).toBe(false);
  });

  it('puts the new microphone on an unmonitored call’s sender and stops the old one', async () => {
    const old = track('mic-1');
    const { c, sender, fresh } = call(old);
    await switchMicrophone(c, { audio: true });
    expect(sender.track).toBe(fresh);
    expect(old.stopped).toBe(true);
  });
});
