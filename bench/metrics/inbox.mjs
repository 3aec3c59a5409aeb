/* global window, document, MutationObserver, requestAnimationFrame -- page functions run in Chromium */
import { execFileSync } from 'node:child_process';
import { bundleWorkers, log, round, tempDir } from '../lib/procs.mjs';
import { launchChromium, median, startHost } from './browser.mjs';

const RUNS = 5;
const OPENS = 21;
const HISTORY = 1_000;
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
 * inbox.open_conversation_p95_ms: the first row's customer has 1,000 messages over their
 * conversations (half in that one); from the click on that row until its thread shows its last
 * message and the sidebar its customer, painted (p95 of 21 opens, each after opening another row).
 */
export const inbox = {
  names: ['inbox.first_paint_100k_ms', 'inbox.dom_nodes_100k', 'inbox.open_conversation_p95_ms'],
  async run() {
    const conversations = Number(process.env.BENCH_INBOX_CONVERSATIONS ?? 100_000);
    const workers = await bundleWorkers();
    const dataDir = tempDir('sb-bench-inbox-');
    const seeded = JSON.parse(
      execFileSync(
        process.execPath,
        [workers.inboxSeed, dataDir, String(conversations), PASSPHRASE, String(HISTORY)],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      ),
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
      const opens = [];
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
        if (i === RUNS - 1) opens.push(...(await timeOpens(page, conversations)));
        await context.close();
      }
      const sorted = [...opens].sort((a, b) => a - b);
      const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)];
      log(
        `inbox: open conversation p50 ${round(median(opens))} ms, p95 ${round(p95)} ms (${HISTORY} messages of history)`,
      );
      return [
        { metric: 'inbox.first_paint_100k_ms', value: round(median(paints)), unit: 'ms' },
        { metric: 'inbox.dom_nodes_100k', value: Math.max(...nodes), unit: 'count' },
        { metric: 'inbox.open_conversation_p95_ms', value: round(p95), unit: 'ms' },
      ];
    } finally {
      await browser.close();
      await host.stop();
    }
  },
};

// Opens the first row (the customer with history) OPENS times, each after another row's thread
// is shown; returns each open's time from the click to the paint after the thread shows its last
// message and the sidebar the customer's card and their history on other conversations.
async function timeOpens(page, conversations) {
  const newest = conversations - 1;
  const name = (i) => ((i % 10_000) % 3 === 0 ? `王小明 ${i % 10_000}` : `Customer ${i % 10_000}`);
  const lastMessage = `Message ${HISTORY / 2 - 1} about order ${newest}:`;
  const lastElsewhere = `Message ${HISTORY - 1} about order ${newest - 10_000}:`;
  const article = page.getByRole('article');
  const times = [];
  for (let i = 0; i < OPENS; i++) {
    await page.locator('li[data-row] > button').nth(1).click();
    await article.getByRole('heading', { level: 2, name: name(newest - 1) }).waitFor();
    times.push(
      await page.evaluate(
        ({ lastMessage, lastElsewhere }) =>
          new Promise((resolve, reject) => {
            const shown = () => {
              const pane = document.querySelector('article');
              const thread = pane?.querySelector('[aria-label="Messages and notes"]')?.textContent ?? '';
              const side = pane?.querySelector('[aria-label="Conversation details"]')?.textContent ?? '';
              return (
                thread.includes(lastMessage) && side.includes(lastElsewhere) && !side.includes('Loading…')
              );
            };
            const row = document.querySelector('li[data-row] > button');
            if (!row) return reject(new Error('no first row'));
            const timer = setTimeout(
              () => reject(new Error(`the conversation did not open: "${lastMessage}" / "${lastElsewhere}"`)),
              30_000,
            );
            const t0 = performance.now();
            const check = () => {
              if (!shown()) return;
              obs.disconnect();
              clearTimeout(timer);
              requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0));
            };
            const obs = new MutationObserver(check);
            obs.observe(document.body, { childList: true, subtree: true, characterData: true });
            row.click();
          }),
        { lastMessage, lastElsewhere },
      ),
    );
  }
  return times;
}
