// A headless app for the chaos test, run as its own process so the test can SIGKILL it mid-write:
// opens the encrypted cache with a raw key file, resumes the saved session, finds which of its
// planned writes already committed (from its records and outbox), writes the rest and syncs.
// Protocol: one JSON config as argv[2]; JSON lines on stdout; "status" / "exit" lines on stdin.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createSilentLogger } from '../../../src/main/base/logger';
import { LocalStore } from '../../../src/main/store/localStore';
import { SyncClient } from '../../../src/main/sync/syncClient';
import type { MutationName } from '../../../src/shared/sync/mutations';
import { prng } from '../../support/chaosProxy';
import { planWrites, toMutation, type PlanInput, type PlannedWrite } from './chaosPlan';

export type DriverConfig = PlanInput & { dbPath: string; keyPath: string; relayUrl: string; run: number };

export type DriverOut =
  | { t: 'resume'; committed: boolean[] }
  | { t: 'committed'; i: number }
  | { t: 'done' }
  | {
      t: 'status';
      status: string;
      pending: number;
      cursor: number;
      hash: string;
      rejected: string[];
    };

const say = (o: DriverOut) => process.stdout.write(`${JSON.stringify(o)}\n`);

/** True when the local transaction of planned write `w` committed (before a crash or not). */
function isCommitted(store: LocalStore, w: PlannedWrite): boolean {
  if (w.kind === 'status') throw new Error('the driver plans no status changes');
  if (w.kind !== 'update') return store.record(w.kind, w.id) !== null;
  const [field, value] = Object.entries(w.fields)[0]!;
  // Still in the outbox (unsent, sent or acked), or already confirmed into the field's history.
  const inOutbox = (
    store.db.prepare("SELECT args FROM outbox WHERE name = 'customer.update'").all() as {
      args: string;
    }[]
  ).some((r) => (JSON.parse(r.args) as { fields: Record<string, string> }).fields[field] === value);
  return inOutbox || store.fieldHistory('customer', w.customerId, field).some((h) => h.value === value);
}

async function main(): Promise<void> {
  const cfg = JSON.parse(process.argv[2]!) as DriverConfig;
  const store = LocalStore.open({
    path: cfg.dbPath,
    key: Buffer.from(readFileSync(cfg.keyPath, 'utf8').trim(), 'hex'),
    log: createSilentLogger(),
  });
  const client = new SyncClient({
    relayUrl: cfg.relayUrl,
    store,
    log: createSilentLogger(),
    backoffBaseMs: 20,
    backoffCapMs: 200,
    heartbeatMs: 1000,
    batchSize: 4,
    onRevoked: () => {
      throw new Error('revoked');
    },
  });
  client.start();

  const plan = planWrites(cfg);
  const committed = plan.map((w) => isCommitted(store, w));
  say({ t: 'resume', committed });
  const from = committed.indexOf(false) === -1 ? plan.length : committed.indexOf(false);
  const rnd = prng(cfg.seed * 31 + cfg.run);
  for (let i = from; i < plan.length;) {
    // Bursts of synchronous writes, so a kill lands while the store is writing.
    const burst = 1 + Math.floor(rnd() * 4);
    for (let j = 0; j < burst && i < plan.length; j++, i++) {
      const m = toMutation(plan[i]!);
      store.mutate(m.name as MutationName, m.args);
      say({ t: 'committed', i });
    }
    await new Promise((r) => setTimeout(r, Math.floor(rnd() * 6)));
  }
  say({ t: 'done' });

  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'status') {
      const s = client.state();
      say({
        t: 'status',
        status: s.status,
        pending: store.pendingCount(),
        cursor: store.cursor(),
        hash: store.stateHash(),
        rejected: store.rejected().map((r) => `${r.name} ${r.code}`),
      });
    } else if (line === 'exit') {
      break;
    }
  }
  client.dispose();
  store.close();
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`appDriver: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
