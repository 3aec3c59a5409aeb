import type { BrowserContext, Page } from '@playwright/test';

// Tones as voices (../shared/FIELD-NOTES.md): each party's "microphone" is a sine wave of its own
// frequency, and what a party hears is measured by frequency analysis of everything its page
// plays out: every media element that is playing, not muted and has a live stream. The page-side
// code is plain JavaScript (this folder is type-checked for Node, without the DOM).

const TONE_SCRIPT = (hz: number) => `(() => {
  const freq = ${Number(hz)};
  let ctx = null;
  navigator.mediaDevices.getUserMedia = async (c) => {
    if (!c || !c.audio) throw new DOMException('only audio is faked', 'NotSupportedError');
    ctx = ctx || new AudioContext();
    await ctx.resume();
    const osc = ctx.createOscillator();
    osc.frequency.value = freq;
    const gain = ctx.createGain();
    gain.gain.value = 0.3;
    const dest = ctx.createMediaStreamDestination();
    osc.connect(gain).connect(dest);
    osc.start();
    return dest.stream;
  };
  // What the page plays: every element a stream is put on.
  const played = new Set();
  window.__played = played;
  const desc = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'srcObject');
  Object.defineProperty(HTMLMediaElement.prototype, 'srcObject', {
    configurable: true,
    get() { return desc.get.call(this); },
    set(v) { desc.set.call(this, v); if (v) played.add(this); else played.delete(this); },
  });
})();`;

/** The context's pages answer getUserMedia with a sine tone of `hz` instead of a device. */
export async function speakTone(ctx: BrowserContext, hz: number): Promise<void> {
  await ctx.addInitScript({ content: TONE_SCRIPT(hz) });
}

const HEARD_SCRIPT = `(async () => {
  const ctx = new AudioContext();
  await ctx.resume();
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 8192;
  analyser.smoothingTimeConstant = 0;
  let sources = 0;
  for (const el of window.__played || []) {
    const s = el.srcObject;
    if (!(s instanceof MediaStream) || el.muted || el.paused) continue;
    if (!s.getAudioTracks().some((t) => t.readyState === 'live' && t.enabled)) continue;
    ctx.createMediaStreamSource(s).connect(analyser);
    sources++;
  }
  const out = { 440: -200, 660: -200, 880: -200 };
  if (sources > 0) {
    const bins = new Float32Array(analyser.frequencyBinCount);
    const hzPerBin = ctx.sampleRate / analyser.fftSize;
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, 100));
      analyser.getFloatFrequencyData(bins);
      for (const f of [440, 660, 880]) {
        const at = Math.round(f / hzPerBin);
        const peak = Math.max(...bins.slice(at - 2, at + 3));
        if (Number.isFinite(peak)) out[f] = Math.max(out[f], peak);
      }
    }
  }
  await ctx.close();
  return out;
})()`;

export type Heard = Record<'440' | '660' | '880', number>;

/** The loudest level (dB) at 440, 660 and 880 Hz over about half a second of what the page plays out. */
export function heard(page: Page): Promise<Heard> {
  return page.evaluate(HEARD_SCRIPT) as Promise<Heard>;
}

/** A tone is heard above this level: Opus passes these tones at about -25 dB over a floor near -65 dB. */
const AUDIBLE_DB = -45;

/** Which of the three tones the page plays out now, e.g. `440,660`. */
export async function tonesHeard(page: Page): Promise<string> {
  const h = await heard(page);
  if (process.env['TONES_DEBUG']) process.stdout.write(`tones ${JSON.stringify(h)}\n`);
  return (['440', '660', '880'] as const).filter((f) => h[f] > AUDIBLE_DB).join(',');
}
