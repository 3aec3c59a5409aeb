/**
 * A short two-tone ring for a new offer, made with WebAudio (no audio file to ship). Silently does
 * nothing where audio is unavailable or not yet allowed by the browser.
 */
export function ringOnce(): void {
  try {
    const Ctx = globalThis.AudioContext;
    if (!Ctx) return;
    const ctx = new Ctx();
    const gain = ctx.createGain();
    gain.gain.value = 0.08;
    gain.connect(ctx.destination);
    [880, 660].forEach((hz, i) => {
      const osc = ctx.createOscillator();
      osc.frequency.value = hz;
      osc.connect(gain);
      osc.start(ctx.currentTime + i * 0.18);
      osc.stop(ctx.currentTime + i * 0.18 + 0.15);
    });
    setTimeout(() => void ctx.close(), 600);
  } catch {
    // No audio device or autoplay refused: the banner and the desktop notification still show.
  }
}
