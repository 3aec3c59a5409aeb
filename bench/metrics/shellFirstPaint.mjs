import { launchChromium, median, startHost } from './browser.mjs';

const RUNS = 7;

/** app.shell_first_paint_ms: first contentful paint of the shell through the browser host (median of 7 cold pages). */
export const shellFirstPaint = {
  names: ['app.shell_first_paint_ms'],
  async run() {
    const host = await startHost();
    const browser = await launchChromium();
    try {
      const samples = [];
      for (let i = 0; i < RUNS; i++) {
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.goto(host.url);
        await page.getByRole('navigation').waitFor();
        const fcp = await page.evaluate(
          () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
        );
        samples.push(fcp);
        await context.close();
      }
      return [
        { metric: 'app.shell_first_paint_ms', value: Math.round(median(samples) * 10) / 10, unit: 'ms' },
      ];
    } finally {
      await browser.close();
      await host.stop();
    }
  },
};
