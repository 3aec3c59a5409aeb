// Bench worker for screenpop.lookup_p99_ms: an encrypted app cache (real file, real cipher, real
// migrations and triggers) holding 1,000,000 customers; times caller number → profile lookups.
// Prints one JSON line: {customers, seedMs, lookups, p50, p99, missP99}.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { uuidv7 } from '../../src/shared/sync/ids';
import { screenPop } from '../../src/main/store/calls';
import { openEncryptedDb } from '../../src/main/store/db';

const CUSTOMERS = Number(process.env['SCREENPOP_CUSTOMERS'] ?? 1_000_000);
const LOOKUPS = 10_000;
const PER_TX = 10_000;

const phoneOf = (i: number) => `+1212${String(2_000_000 + i)}`;
const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

const dir = mkdtempSync(join(tmpdir(), 'sb-bench-screenpop-'));
try {
  const db = openEncryptedDb(join(dir, 'cache.db'), randomBytes(32));
  const t0 = performance.now();
  const insert = db.prepare(
    `INSERT INTO records (entity, id, confirmed, server_seq, server_data, data) VALUES ('customer', ?, 1, ?, ?, ?)`,
  );
  let t = Date.now() - 86_400_000;
  for (let start = 0; start < CUSTOMERS; start += PER_TX) {
    db.transaction(() => {
      for (let i = start; i < Math.min(CUSTOMERS, start + PER_TX); i++) {
        const data = JSON.stringify({
          name: `Customer ${i}`,
          phones: [phoneOf(i)],
          emails: [`c${i}@example.com`],
          company: '',
          address: '',
          language: 'en',
          identities: [],
          customFields: {},
          createdAt: new Date(t).toISOString(),
        });
        insert.run(uuidv7((t += 10)), i + 1, data, data);
      }
    })();
  }
  const seedMs = performance.now() - t0;
  const hit: number[] = [];
  const miss: number[] = [];
  for (let k = 0; k < LOOKUPS; k++) {
    const i = Math.floor(Math.random() * CUSTOMERS);
    let s = performance.now();
    const pop = screenPop(db, phoneOf(i));
    hit.push(performance.now() - s);
    if (pop?.customer.name !== `Customer ${i}`)
      throw new Error(`lookup ${phoneOf(i)} found ${pop?.customer.name}`);
    s = performance.now();
    if (screenPop(db, `+1415${String(2_000_000 + i)}`) !== null) throw new Error('unknown number found');
    miss.push(performance.now() - s);
  }
  hit.sort((a, b) => a - b);
  miss.sort((a, b) => a - b);
  db.close();
  process.stdout.write(
    JSON.stringify({
      customers: CUSTOMERS,
      seedMs,
      lookups: LOOKUPS,
      p50: pct(hit, 50),
      p99: pct(hit, 99),
      missP99: pct(miss, 99),
    }) + '\n',
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
