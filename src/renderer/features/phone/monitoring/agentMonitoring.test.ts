import { SessionState, type Invitation } from 'sip.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GrantClaims } from '../../../../shared/monitoring';
import type { ApiClient } from '../../../api/client';
import type { RootStore } from '../../../store';
import { AgentMonitoring } from './agentMonitoring';
import type { MonitorPhone } from './monitorPhone';

// The agent's side of a monitored call when the agent switches microphone: the new one goes into
// the supervisor's mix (not over it), and is what the call gets back when the supervisor leaves.
// Web Audio, MediaStream and WebRTC do not exist in jsdom: minimal fakes stand in for them and
// record which track each sender carries (the real mix is heard in the monitoring e2e).

type FakeTrack = { label: string; kind: 'audio'; enabled: boolean; readyState: string; stop(): void };
const track = (label: string): FakeTrack => ({
  label,
  kind: 'audio',
  enabled: true,
  readyState: 'live',
  stop() {
    this.readyState = 'ended';
  },
});
const inputs: { label: string; node: { disconnected: boolean } }[] = [];
class FakeStream {
  constructor(readonly tracks: FakeTrack[]) {}
  getAudioTracks() {
    return this.tracks;
  }
}
class FakeContext {
  createMediaStreamSource(s: FakeStream) {
    const node = { disconnected: false, connect: (d: unknown) => d, disconnect: () => undefined };
    node.disconnect = () => void (node.disconnected = true);
    inputs.push({ label: s.tracks[0]!.label, node });
    return node;
  }
  createMediaStreamDestination() {
    const out = track('mix-out');
    return { stream: new FakeStream([out]) };
  }
  createGain = () => ({ gain: { value: 1 }, connect: (d: unknown) => d });
  resume = () => Promise.resolve();
  close = () => Promise.resolve();
}
function fakePc(sent: FakeTrack, heard: FakeTrack) {
  const sender = {
    track: sent as FakeTrack | null,
    replaceTrack: async (t: FakeTrack) => void (sender.track = t),
  };
  return { sender, pc: { getSenders: () => [sender], getReceivers: () => [{ track: heard }] } };
}

const claims: GrantClaims = {
  v: 1,
  id: '018f0000-0000-7000-8000-000000000001',
  mode: 'listen',
  supervisorId: '018f0000-0000-7000-8000-000000000002',
  supervisorSipUser: 'sam',
  supervisorName: 'Sam',
  agentId: '018f0000-0000-7000-8000-000000000003',
  agentSipUser: 'alex',
  conversationId: '018f0000-0000-7000-8000-000000000004',
  callId: 'sip-call-1',
  agentSees: true,
} as GrantClaims;

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  inputs.length = 0;
});

async function monitoredCall(o: { muted?: boolean } = {}) {
  vi.stubGlobal('MediaStream', FakeStream);
  vi.stubGlobal('AudioContext', FakeContext);
  vi.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
  vi.spyOn(HTMLMediaElement.prototype, 'pause').mockReturnValue(undefined);
  const mic1 = track('mic-1');
  // Muted, the phone turned the call's microphone track off (callMedia does so for mute and hold).
  mic1.enabled = !o.muted;
  const customerCall = fakePc(mic1, track('customer'));
  const supervisorLeg = fakePc(track('supervisor-own-mic'), track('supervisor'));
  const phone: MonitorPhone = {
    userAgent: () => null,
    uriFor: (u) => `sip:${u}@pbx.test`,
    establishedCalls: () => [{ id: 'call-1', sipCallId: 'sip-call-1' }],
    peerConnection: () => customerCall.pc as unknown as RTCPeerConnection,
    sendsAudio: () => !o.muted,
    inputConstraints: () => ({ audio: true }),
    outputDevice: () => '',
  };
  let state: { monitoredCalls: Record<string, unknown> } = { monitoredCalls: {} };
  const store = {
    getState: () => state,
    setState: (p: Partial<typeof state>) => void (state = { ...state, ...p }),
  } as unknown as RootStore;
  const api = { call: async () => ({ ok: true, claims }) } as unknown as ApiClient;
  const senderChanged = vi.fn();
  const m = new AgentMonitoring(api, store, phone, senderChanged, () => undefined);
  let onState: ((s: SessionState) => void) | null = null;
  const inv = {
    request: { getHeader: () => 'grant-token', from: { uri: { user: 'sam' } } },
    stateChange: { addListener: (fn: (s: SessionState) => void) => void (onState = fn) },
    accept: async () => undefined,
    state: SessionState.Established,
    bye: async () => undefined,
    sessionDescriptionHandler: { peerConnection: supervisorLeg.pc },
  } as unknown as Invitation;
  expect(m.screen(inv)).toBe(true);
  // Admitted once the grant is redeemed and the INVITE answered: then the session is established.
  await vi.waitFor(() => expect(onState).not.toBeNull());
  onState!(SessionState.Established);
  await vi.waitFor(() => expect(state.monitoredCalls['call-1']).toBeTruthy());
  return { m, mic1, customerCall, supervisorLeg, onState: onState!, state: () => state };
}

describe('renderer/phone/monitoring/AgentMonitoring microphone switch', () => {
  it('puts a new microphone into the mix, keeps the mix on both calls, and gives it back on leave', async () => {
    const { m, mic1, customerCall, supervisorLeg, onState } = await monitoredCall();
    const mixOnCustomer = customerCall.sender.track;
    const mixOnSupervisor = supervisorLeg.sender.track;
    expect(mixOnCustomer?.label).toBe('mix-out');

    const mic2 = track('mic-2');
    expect(m.takeMicrophone('call-1', mic2 as unknown as MediaStreamTrack)).toBe(true);
    // Both calls still send the mix, now fed by the new microphone; the old one is let go.
    expect(customerCall.sender.track).toBe(mixOnCustomer);
    expect(supervisorLeg.sender.track).toBe(mixOnSupervisor);
    expect(inputs.filter((i) => !i.node.disconnected).map((i) => i.label)).toContain('mic-2');
    expect(inputs.find((i) => i.label === 'mic-1')!.node.disconnected).toBe(true);
    expect(mic1.readyState).toBe('ended');
    // Another call is not monitored: the phone switches it itself.
    expect(m.takeMicrophone('call-2', track('mic-3') as unknown as MediaStreamTrack)).toBe(false);

    // The supervisor leaves: the customer call sends the new microphone, not the stopped one.
    onState(SessionState.Terminated);
    await vi.waitFor(() => expect(customerCall.sender.track).toBe(mic2));
  });
});

describe('renderer/phone/monitoring/AgentMonitoring on a muted call', () => {
  it('keeps the customer from hearing a muted agent, lets the supervisor hear them, and gives the call back muted', async () => {
    const { mic1, customerCall, onState } = await monitoredCall({ muted: true });
    // The call sends the mix, off as the call was; the microphone inside the mix is on, so the
    // supervisor hears the agent and unmuting (the phone turns the sent track on) brings the voice back.
    expect(customerCall.sender.track?.label).toBe('mix-out');
    expect(customerCall.sender.track?.enabled).toBe(false);
    expect(mic1.enabled).toBe(true);
    onState(SessionState.Terminated);
    await vi.waitFor(() => expect(customerCall.sender.track).toBe(mic1));
    // Still muted, the call gets its microphone back off.
    expect(mic1.enabled).toBe(false);
  });
});
