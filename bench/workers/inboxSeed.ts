// inbox.*: fills a browser host's data directory with a signed-in agent's encrypted cache of
// CONVERSATIONS open conversations (see lib/inboxCache.ts), not timed by the bench itself.
// Usage: inboxSeed.cjs DATA_DIR CONVERSATIONS PASSPHRASE [HISTORY_MESSAGES]. Prints {"conversations","seconds"} as JSON.
import { performance } from 'node:perf_hooks';
import { seedInboxCache } from './lib/inboxCache';

const [dataDir, convArg, passphrase, historyArg] = process.argv.slice(2);
if (!dataDir || !passphrase) throw new Error('usage: inboxSeed.cjs DATA_DIR CONVERSATIONS PASSPHRASE');
const conversations = Number(convArg ?? 100_000);
const t0 = performance.now();
seedInboxCache(dataDir, conversations, passphrase, Number(historyArg ?? 0)).then(
  () =>
    process.stdout.write(JSON.stringify({ conversations, seconds: (performance.now() - t0) / 1000 }) + '\n'),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
