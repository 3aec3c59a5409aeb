// `npm run bench`: prints one JSON object per line, {"metric", "value", "unit"}.
// Each metric lives in its own module under bench/metrics/; later issues add theirs to METRICS.
import { relayFanout } from './metrics/relayFanout.mjs';
import { routing } from './metrics/routing.mjs';
import { searchFts } from './metrics/searchFts.mjs';
import { callSetup } from './metrics/callSetup.mjs';
import { invitePop } from './metrics/invitePop.mjs';
import { screenpop } from './metrics/screenpop.mjs';
import { shellFirstPaint } from './metrics/shellFirstPaint.mjs';
import { inbox } from './metrics/inbox.mjs';
import { syncInitial, syncPushApply } from './metrics/sync.mjs';
import { emailImport } from './metrics/emailImport.mjs';
import { voiceQueue } from './metrics/voiceQueue.mjs';
import { wallboard } from './metrics/wallboard.mjs';
import { reports } from './metrics/reports.mjs';
import { scaleout } from './metrics/scaleout.mjs';
import { relayScale } from './metrics/relayScale.mjs';

const METRICS = [
  shellFirstPaint,
  inbox,
  syncPushApply,
  syncInitial,
  relayFanout,
  routing,
  searchFts,
  screenpop,
  callSetup,
  invitePop,
  emailImport,
  voiceQueue,
  wallboard,
  reports,
  scaleout,
  relayScale,
];
const only = process.argv.slice(2);

let failed = 0;
for (const metric of METRICS) {
  if (only.length && !only.some((o) => metric.names.some((n) => n.startsWith(o)))) continue;
  try {
    for (const line of await metric.run()) process.stdout.write(JSON.stringify(line) + '\n');
  } catch (err) {
    failed++;
    process.stderr.write(
      `bench ${metric.names.join(', ')} failed: ${err instanceof Error ? err.stack : err}\n`,
    );
  }
}
process.exit(failed ? 1 : 0);
