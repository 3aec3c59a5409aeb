// `npm run fuzz -- --minutes N [--seed S]`: the relay fuzz suite (tests/integration/fuzz) for N
// minutes against a real relay process on loopback. Prints the seed first; the same seed replays
// the same inputs (the relay's own timing aside).
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { minutes: { type: 'string', default: '5' }, seed: { type: 'string' } },
});
const minutes = Number(values.minutes);
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
if (!(minutes > 0) || !Number.isInteger(seed)) {
  console.error('usage: npm run fuzz -- --minutes <N> [--seed <integer>]');
  process.exit(2);
}
console.log(
  `fuzz: ${minutes} min with seed ${seed} (replay: npm run fuzz -- --minutes ${minutes} --seed ${seed})`,
);
const r = spawnSync('npx', ['vitest', 'run', '--project', 'integration', 'tests/integration/fuzz'], {
  stdio: 'inherit',
  env: { ...process.env, FUZZ_MINUTES: String(minutes), FUZZ_SEED: String(seed) },
});
process.exit(r.status ?? 1);
