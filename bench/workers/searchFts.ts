// search.fts_1m_p95_ms: offline search over 1,000,000 messages (English and Chinese mixed) in the
// app's encrypted cache, through LocalStore.search (FTS5 over Intl.Segmenter-split text).
// The cache is filled as a catch-up would fill it (pages of changes, then the search backlog);
// that is not timed. Prints {"p50","p95","queries","messages"} as JSON.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createSilentLogger } from '../../src/main/base/logger';
import { LocalStore } from '../../src/main/store/localStore';
import type { Change } from '../../src/shared/sync/entities';
import { prng } from '../../src/shared/prng';

const MESSAGES = Number(process.env['BENCH_FTS_MESSAGES'] ?? 1_000_000);
const PAGE = 5_000;
const EN = [
  'order',
  'refund',
  'delivery',
  'invoice',
  'password',
  'address',
  'warranty',
  'subscription',
  'broken',
  'charge',
  'tracking',
  'cancel',
];
const ZH = [
  '订单',
  '退款',
  '物流',
  '发票',
  '密码',
  '地址',
  '保修',
  '订阅',
  '损坏',
  '扣款',
  '快递',
  '取消',
  '訂單',
  '貨到',
];
const rand = prng(42);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;

function body(i: number): string {
  if (i % 2 === 0) return `Hello, my ${pick(EN)} number ${i} has a problem with the ${pick(EN)}, please help`;
  return `您好，我的${pick(ZH)}${i % 1000}号有问题，关于${pick(ZH)}和${pick(ZH)}，请帮忙处理`;
}

const dir = mkdtempSync(join(tmpdir(), 'sb-bench-fts-'));
const store = LocalStore.open({
  path: join(dir, 'cache.db'),
  key: randomBytes(32),
  log: createSilentLogger(),
});
try {
  const t0 = performance.now();
  let seq = 0;
  for (let start = 0; start < MESSAGES; start += PAGE) {
    const changes: Change[] = [];
    for (let i = start; i < Math.min(MESSAGES, start + PAGE); i++) {
      changes.push({
        seq: ++seq,
        entity: 'message',
        id: `m${String(i).padStart(8, '0')}`,
        data: {
          conversationId: `c${i % 100_000}`,
          customerId: `u${i % 10_000}`,
          direction: i % 3 ? 'in' : 'out',
          authorId: null,
          body: body(i),
          createdAt: '2026-01-01T00:00:00.000Z',
        },
        clocks: {},
        deleted: false,
      });
    }
    store.applyChanges(changes, seq);
  }
  while (store.indexSearchBacklog(20_000));
  process.stderr.write(
    `bench: fts: ${MESSAGES} messages stored and indexed in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
  );

  const queries = [...EN, ...ZH, 'order refund', '订单 退款', 'deliv', '物流 快递'];
  const times: number[] = [];
  for (let round = 0; round < 10; round++) {
    for (const q of queries) {
      const t = performance.now();
      store.search(q, { limit: 50 });
      times.push(performance.now() - t);
    }
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
  process.stdout.write(
    JSON.stringify({ p50: at(0.5), p95: at(0.95), queries: times.length, messages: MESSAGES }) + '\n',
  );
} finally {
  store.close();
  rmSync(dir, { recursive: true, force: true });
}
