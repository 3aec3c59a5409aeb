// Property-based fuzzing of the relay's network entry points against a real relay process (see
// fuzzRun.ts for what is sent and checked). In CI a bounded run: FUZZ_BATCHES batches (default 15)
// with a fixed seed. `npm run fuzz -- --minutes N [--seed S]` runs longer (FUZZ_MINUTES) with a
// printed seed to replay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFuzz } from './fuzzRun';
import { openWorld, type World } from './world';

const minutes = Number(process.env['FUZZ_MINUTES'] ?? 0);
const seed = Number(process.env['FUZZ_SEED'] ?? 20261202);
const batches = minutes > 0 ? Number.MAX_SAFE_INTEGER : Number(process.env['FUZZ_BATCHES'] ?? 15);
// CI: at most 50 s of fuzzing whatever the machine; a long run: the minutes asked for.
const budgetMs = minutes > 0 ? minutes * 60_000 : 50_000;

let world: World;
beforeAll(async () => {
  world = await openWorld();
});
afterAll(async () => {
  await world?.close();
});

describe('relay fuzz (real relay process)', () => {
  it(
    'no input stops the relay, gets a 5xx or changes data without being accepted',
    async () => {
      process.stdout.write(`fuzz: seed ${seed}, ${minutes > 0 ? `${minutes} min` : `${batches} batches`}\n`);
      const stats = await runFuzz(world, {
        seed,
        maxBatches: batches,
        deadline: Date.now() + budgetMs,
        size: { http: 120, upgrades: 20, syncSessions: 10, framesPerSession: 12, widgetSessions: 2 },
      });
      process.stdout.write(
        `fuzz: ${stats.batches} batches, ${stats.requests} HTTP requests, ${stats.upgrades} upgrades, ` +
          `${stats.syncFrames} sync frames, ${stats.widgetFrames} widget frames (${stats.accepted} accepted writes, ${stats.unknown} sessions closed by the relay mid-way); ` +
          `0 crashes, 0 5xx for input errors, data intact (unchanged after each of ${stats.untouchedChecked} inputs that were not accepted)\n`,
      );
      expect(stats.batches).toBeGreaterThan(0);
      expect(world.relay.alive()).toBe(true);
    },
    budgetMs + 120_000,
  );
});
