import { setSink } from './sipPhone';

/**
 * The incoming-call ring, played on its own output device (a speaker, say, while the headset
 * carries calls): a 440+480 Hz tone, 2 s on and 4 s off, generated with WebAudio.
 */
export class Ringer {
  private ctx: AudioContext | null = null;
  private el: HTMLAudioElement | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private deviceId = '';

  get ringing(): boolean {
    return this.ctx !== null;
  }

  async setDevice(deviceId: string): Promise<void> {
    this.deviceId = deviceId;
    if (this.el) await setSink(this.el, deviceId);
  }

  start(): void {
    if (this.ctx || typeof AudioContext === 'undefined') return;
    try {
      const ctx = new AudioContext();
      const gain = ctx.createGain();
      gain.gain.value = 0;
      for (const f of [440, 480]) {
        const osc = ctx.createOscillator();
        osc.frequency.value = f;
        osc.connect(gain);
        osc.start();
      }
      const dest = ctx.createMediaStreamDestination();
      gain.connect(dest);
      const el = new Audio();
      el.srcObject = dest.stream;
      void setSink(el, this.deviceId).then(() => el.play().catch(() => undefined));
      let tick = 0;
      const cadence = () => {
        gain.gain.setValueAtTime(tick % 3 === 0 ? 0.1 : 0, ctx.currentTime);
        tick += 1;
      };
      cadence();
      this.timer = setInterval(cadence, 2000);
      this.ctx = ctx;
      this.el = el;
    } catch {
      // No audio output at all: the call card still shows the incoming call.
      this.stop();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.el) {
      this.el.pause();
      this.el.srcObject = null;
    }
    this.el = null;
    void this.ctx?.close().catch(() => undefined);
    this.ctx = null;
  }
}
