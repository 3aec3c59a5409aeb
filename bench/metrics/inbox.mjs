/* global window, document, MutationObserver, requestAnimationFrame -- page functions run in Chromium */
import { execFileSync } from 'node:child_process';
import { bundleWorkers, log, round, tempDir } from '../lib/procs.mjs';
import { launchChromium, median, startHost } from './browser.mjs';

const RUNS = 5;
const PASSPHRASE = 'bench inbox passphrase';

// Runs in the page before the app: notes when the first conversation row (a button in a row of
// the virtualized list) is in the DOM, then the time after the frame that paints it.
function watchFirstRows() {
  const t = { firstRows: null };
  window.__inboxBench = t;
  const obs = new MutationObserver(() => {
    if (!document.querySelector('li[data-row] > button')) return;
    obs.disconnect();
    requestAnimationFrame(() => setTimeout(() => (t.firstRows = performance.now()), 0));
  });
  obs.observe(document, { childList: true, subtree: true });
}

/**
 * inbox.first_paint_100k_ms: 100,000 conversations in the app's encrypted cache (browser host,
 * offline); time from navigation to the first inbox rows painted in Chromium (median of 5 cold
 * pages; the first also pays the host's cold SQLite page cache). inbox.dom_nodes_100k: elements in
 * the document right after that paint. BENCH_INBOX_CONVERSATIONS changes the count.
 */
export const inbox = {
  names: ['inbox.first_paint_100k_ms', 'inbox.dom_nodes_100k'],
  async run() {
    const conversations = Number(process.env.BENCH_INBOX_CONVERSATIONS ?? 100_000);
    const workers = await bundleWorkers();
    const dataDir = tempDir('sb-bench-inbox-');
    const seeded = JSON.parse(
      execFileSync(process.execPath, [workers.inboxSeed, dataDir, String(conversations), PASSPHRASE], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    );
    log(`inbox: ${seeded.conversations} conversations cached in ${seeded.seconds.toFixed(1)} s`);
    // The host removes dataDir on stop.
    const host = await startHost([], {
      dataDir,
      env: { SWITCHBOARD_CACHE_PASSPHRASE: PASSPHRASE, SWITCHBOARD_LOG_LEVEL: 'warn' },
      ready: /Signed in as|Could not|Workspace is|Not signed in/,
    });
    const browser = await launchChromium();
    try {
      const paints = [];
      const nodes = [];
      for (let i = 0; i < RUNS; i++) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        const page = await context.newPage();
        await page.addInitScript(watchFirstRows);
        await page.goto(host.url);
        const list = page.getByRole('list', { name: 'Conversations' });
        await list.getByRole('button').first().waitFor({ timeout: 60_000 });
        await page.waitForFunction(() => window.__inboxBench.firstRows !== null);
        const r = await page.evaluate(() => ({
          firstRows: window.__inboxBench.firstRows,
          nodes: document.getElementsByTagName('*').length,
          total: document.querySelector('li[data-row]')?.getAttribute('aria-setsize'),
          rows: document.querySelectorAll('li[data-row]').length,
        }));
        if (Number(r.total) !== conversations)
          throw new Error(`the inbox lists ${r.total} conversations, not ${conversations}`);
        log(
          `inbox run ${i + 1}: first rows at ${r.firstRows.toFixed(1)} ms, ${r.nodes} elements, ${r.rows} rows in the DOM`,
        );
        paints.push(r.firstRows);
        nodes.push(r.nodes);
        await context.close();
      }
      return [
        { metric: 'inbox.first_paint_100k_ms', value: round(median(paints)), unit: 'ms' },
        { metric: 'inbox.dom_nodes_100k', value: Math.max(...nodes), unit: 'count' },
      ];
    } finally {
      await browser.close();
      await host.stop();
    }
  },
};
