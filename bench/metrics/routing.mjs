import { execFileSync } from 'node:child_process';
import { bundleWorkers } from '../lib/procs.mjs';

/** routing.assignments_per_s: the routing engine with 500 agents and 5,000 chats (see bench/workers/routing.ts). */
export const routing = {
  names: ['routing.assignments_per_s'],
  async run() {
    const workers = await bundleWorkers();
    const out = JSON.parse(execFileSync(process.execPath, [workers.routing], { encoding: 'utf8' }));
    return [
      {
        metric: 'routing.assignments_per_s',
        value: Math.round((out.assignments / out.ms) * 1000),
        unit: 'assignments/s',
      },
    ];
  },
};
