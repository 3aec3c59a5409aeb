import type { MonitorMode } from '../../../../shared/monitoring';

/** How the supervisor's voice is routed in each mode: to the agent's ear, to the customer. */
export const MODE_ROUTES: Record<MonitorMode, { toAgent: number; toCustomer: number }> = {
  listen: { toAgent: 0, toCustomer: 0 },
  whisper: { toAgent: 1, toCustomer: 0 },
  barge: { toAgent: 1, toCustomer: 1 },
};

/**
 * The agent's side of a monitored call, in Web Audio. Three inputs (the agent's microphone, the
 * customer, the supervisor) and three outputs:
 * - to the customer: the microphone, plus the supervisor in barge (put on the customer call's
 *   existing sender with replaceTrack: no re-INVITE, the call is never renegotiated or held);
 * - to the supervisor: the microphone and the customer (what the supervisor hears in every mode);
 * - to the agent's ear: the supervisor in whisper and barge (the customer is heard as before).
 * The supervisor's own audio element must stay muted: what the agent hears of them is `toAgent`.
 * A microphone switch during the session goes through `replaceMic`, so the output tracks (already
 * on the calls' senders) stay and both the customer and the supervisor hear the new microphone.
 */
export class MonitorMixer {
  private readonly ctx: AudioContext;
  private readonly sources: MediaStreamAudioSourceNode[] = [];
  private mic: MediaStreamAudioSourceNode;
  /** Where the microphone goes: to the customer and to the supervisor. */
  private readonly micTo: readonly MediaStreamAudioDestinationNode[];
  private readonly supToAgent: GainNode;
  private readonly supToCustomer: GainNode;
  readonly toCustomer: MediaStreamTrack;
  readonly toSupervisor: MediaStreamTrack;
  readonly toAgent: MediaStream;
  private mode: MonitorMode;

  constructor(
    inputs: { mic: MediaStreamTrack; customer: MediaStreamTrack; supervisor: MediaStreamTrack },
    mode: MonitorMode,
    ctx: AudioContext = new AudioContext(),
  ) {
    this.ctx = ctx;
    this.mode = mode;
    const src = (t: MediaStreamTrack) => {
      const s = this.ctx.createMediaStreamSource(new MediaStream([t]));
      this.sources.push(s);
      return s;
    };
    const customer = src(inputs.customer);
    const supervisor = src(inputs.supervisor);
    const toCustomer = this.ctx.createMediaStreamDestination();
    const toSupervisor = this.ctx.createMediaStreamDestination();
    const toAgent = this.ctx.createMediaStreamDestination();
    this.supToAgent = this.ctx.createGain();
    this.supToCustomer = this.ctx.createGain();
    this.micTo = [toCustomer, toSupervisor];
    this.mic = this.connectMic(inputs.mic);
    customer.connect(toSupervisor);
    supervisor.connect(this.supToAgent).connect(toAgent);
    supervisor.connect(this.supToCustomer).connect(toCustomer);
    this.toCustomer = toCustomer.stream.getAudioTracks()[0]!;
    this.toSupervisor = toSupervisor.stream.getAudioTracks()[0]!;
    this.toAgent = toAgent.stream;
    this.apply();
    void this.ctx.resume().catch(() => undefined);
  }

  get current(): MonitorMode {
    return this.mode;
  }

  /**
   * Takes a new microphone into the mix (the agent switched device mid-call): the new one feeds
   * the customer and the supervisor, the old one leaves the graph; the output tracks stay the same,
   * so no sender changes track and nothing is renegotiated. Stopping the old track is the caller's.
   */
  replaceMic(track: MediaStreamTrack): void {
    const old = this.mic;
    this.mic = this.connectMic(track);
    old.disconnect();
    this.sources.splice(this.sources.indexOf(old), 1);
  }

  private connectMic(track: MediaStreamTrack): MediaStreamAudioSourceNode {
    const s = this.ctx.createMediaStreamSource(new MediaStream([track]));
    this.sources.push(s);
    for (const d of this.micTo) s.connect(d);
    return s;
  }

  /** Switches what each party hears; takes effect at once, with nothing renegotiated. */
  setMode(mode: MonitorMode): void {
    this.mode = mode;
    this.apply();
  }

  private apply(): void {
    const r = MODE_ROUTES[this.mode];
    this.supToAgent.gain.value = r.toAgent;
    this.supToCustomer.gain.value = r.toCustomer;
  }

  close(): void {
    for (const s of this.sources) s.disconnect();
    this.toCustomer.stop();
    this.toSupervisor.stop();
    void this.ctx.close().catch(() => undefined);
  }
}
