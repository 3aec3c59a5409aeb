import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bootAppCore, resumeFromEnvironment } from '../boot';
import { startBrowserHost } from './server';

// Entry of the browser host: `node dist/host/browserHost.cjs [--port 5170] [--data DIR]`.
// Output goes to stdout on purpose: the URL is for the person who started it.
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env['SWITCHBOARD_PORT'] ?? '5170' },
      data: { type: 'string', default: process.env['SWITCHBOARD_DATA'] ?? defaultDataDir() },
      renderer: { type: 'string', default: join(__dirname, '..', 'renderer') },
      // Sign in on start when no session is remembered (password from SWITCHBOARD_LOGIN_PASSWORD).
      relay: { type: 'string' },
      login: { type: 'string' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port must be a number from 0 to 65535, not "${values.port}".\n`);
    process.exit(2);
  }
  const dataDir = resolve(values.data);
  const core = bootAppCore({
    dataDir,
    host: 'browser',
    runtime: `Node ${process.versions.node}`,
    logName: 'browser-host',
  });
  const { services, dispatch } = core;
  const host = await startBrowserHost({ services, dispatch, rendererDir: resolve(values.renderer), port });
  process.stdout.write(`Switchboard browser host is running. Open ${host.url}\n`);
  process.stdout.write(`Data: ${dataDir}  Logs: ${join(dataDir, 'logs', 'switchboard.log')}\n`);
  const note = await resumeFromEnvironment(core, { relayUrl: values.relay, email: values.login });
  process.stdout.write(`${note}\n`);
  const stop = () => {
    void host
      .close()
      .then(() => services.session.close())
      .then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function defaultDataDir(): string {
  const base = process.env['XDG_DATA_HOME'] ?? join(homedir(), '.local', 'share');
  return join(base, 'switchboard', 'browser-host');
}

main().catch((err: unknown) => {
  process.stderr.write(
    `Switchboard browser host could not start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
