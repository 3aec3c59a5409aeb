// reports.month_200_agents_ms: a month of a 200-agent center's work (20 teams of 10, about 30
// conversations per agent per day on voice, chat and email, with their messages and call
// records, each conversation in its last state) written through the relay's store (not timed), then GET /v1/reports by agent and
// day for the month, answered over HTTP by a real relay. Prints
// {"ms","cpuMs","coldMs","conversations","rows"} as JSON: the median of 5 answers after a cold one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { createAdmin, startRelay } from '../../src/relay';
import { openDatabase } from '../../src/relay/data/db';
import { createStore } from '../../src/relay/data/sqliteStore';
import { uuidv7 } from '../../src/shared/sync/ids';
import { generate, writeAll, type GenTeam } from '../../tests/support/reportData';

const AGENTS = Number(process.env['BENCH_REPORT_AGENTS'] ?? 200);
const PER_AGENT_DAY = Number(process.env['BENCH_REPORT_PER_AGENT_DAY'] ?? 30);
const DAYS = 30;
const FROM = '2026-04-01';
const TO = '2026-05-01';

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-reports-'));
  try {
    const admin = { email: 'root@bench.test', password: 'bench-password-1', name: 'Root' };
    await createAdmin({ dataDir: dir, ...admin });
    const teams: GenTeam[] = Array.from({ length: AGENTS / 10 }, () => ({
      id: uuidv7(),
      agents: Array.from({ length: 10 }, () => uuidv7()),
      inboxes: { voice: uuidv7(), chat: uuidv7(), email: uuidv7() },
    }));
    const convs = generate({
      seed: 200,
      count: AGENTS * PER_AGENT_DAY * DAYS,
      start: Date.parse('2026-03-31T16:00:00.000Z'),
      end: Date.parse('2026-04-30T16:00:00.000Z'),
      teams,
    });
    const seeded = performance.now();
    const db = openDatabase(dir);
    writeAll(createStore(db, Date.now), convs, 2000, true);
    db.close();
    process.stderr.write(
      `reports: ${convs.length} conversations written in ${Math.round(performance.now() - seeded)} ms\n`,
    );

    const relay = await startRelay({
      dataDir: dir,
      host: '127.0.0.1',
      port: 0,
      log: pino({ level: 'silent' }),
    });
    try {
      const login = await fetch(`${relay.url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: admin.email, password: admin.password, deviceName: 'bench' }),
      });
      const { accessToken } = (await login.json()) as { accessToken: string };
      const q = new URLSearchParams({
        from: FROM,
        to: TO,
        tz: 'Asia/Shanghai',
        groupBy: 'agent',
        bucket: 'day',
      });
      const once = async () => {
        const cpu = process.cpuUsage();
        const t = performance.now();
        const res = await fetch(`${relay.url}/v1/reports?${q}`, {
          headers: { authorization: `Bearer ${accessToken}` },
        });
        const body = (await res.json()) as { rows?: unknown[] };
        if (res.status !== 200 || !body.rows)
          throw new Error(`report: ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
        const used = process.cpuUsage(cpu);
        return { ms: performance.now() - t, cpuMs: (used.user + used.system) / 1000, rows: body.rows.length };
      };
      const cold = await once();
      const runs = [];
      for (let i = 0; i < 5; i++) runs.push(await once());
      runs.sort((a, b) => a.ms - b.ms);
      const mid = runs[2]!;
      process.stdout.write(
        JSON.stringify({
          ms: mid.ms,
          cpuMs: mid.cpuMs,
          coldMs: cold.ms,
          conversations: convs.length,
          rows: mid.rows,
        }) + '\n',
      );
    } finally {
      await relay.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`reports bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
