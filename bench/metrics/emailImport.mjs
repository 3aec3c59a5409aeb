import { execFileSync } from 'node:child_process';
import { bundleWorkers } from '../lib/procs.mjs';

/** email.import_1k_s: 1,000 mails from a real Dovecot mailbox to conversations on the relay (see bench/workers/emailImport.ts). */
export const emailImport = {
  names: ['email.import_1k_s'],
  async run() {
    const workers = await bundleWorkers();
    const out = JSON.parse(execFileSync(process.execPath, [workers.emailImport], { encoding: 'utf8' }));
    return [{ metric: 'email.import_1k_s', value: Math.round(out.ms / 100) / 10, unit: 's' }];
  },
};
