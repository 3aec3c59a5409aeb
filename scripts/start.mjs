// `npm start`: builds, then launches the Electron app; where no Electron runtime is installed,
// says so in one line and runs the browser host instead, which prints the URL to open.
import { spawn, spawnSync } from 'node:child_process';
import { findElectron } from './electronRuntime.mjs';

const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const electron = findElectron();
const args = process.argv.slice(2);
const child =
  'path' in electron
    ? spawn(electron.path, ['.', ...args], { stdio: 'inherit' })
    : (console.log(`No Electron runtime here (${electron.missing}); starting the browser host instead.`),
      spawn(process.execPath, ['dist/host/browserHost.cjs', ...args], { stdio: 'inherit' }));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
