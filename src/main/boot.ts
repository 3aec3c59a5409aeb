import { createDispatcher, type Dispatch } from './api/dispatcher';
import { createHandlers } from './api/handlers';
import { APP_VERSION } from './base/buildInfo';
import { createLogger, type Logger } from './base/logger';
import { protectAppDataDir } from './security/privateFiles';
import { createServices, type Services } from './services';
import { resumeOrSignIn } from './services/autoSignIn';

export type AppCore = { services: Services; dispatch: Dispatch; log: Logger; dataDir: string };

/**
 * What both transports start from: the file logger, the services rooted at `dataDir`, and the
 * dispatcher of the app API. Electron main and the browser host differ only in how they serve it.
 */
export function bootAppCore(opts: {
  dataDir: string;
  host: 'electron' | 'browser';
  runtime: string;
  logName: string;
}): AppCore {
  // Everything the app writes (cache, keys' sidecars, settings, logs) is for its user only.
  process.umask(0o077);
  protectAppDataDir(opts.dataDir);
  const log = createLogger(opts.dataDir, opts.logName);
  const services = createServices({
    dataDir: opts.dataDir,
    host: opts.host,
    version: APP_VERSION,
    runtime: opts.runtime,
    log,
    ...(process.env['SWITCHBOARD_DEMO_PHONE_ACCOUNTS']
      ? { demoPhoneAccounts: process.env['SWITCHBOARD_DEMO_PHONE_ACCOUNTS'] }
      : {}),
    ...(process.env['SWITCHBOARD_DEMO_PBX_MISSING']
      ? { pbxMissing: process.env['SWITCHBOARD_DEMO_PBX_MISSING'] }
      : {}),
  });
  return { services, dispatch: createDispatcher(createHandlers(services), log), log, dataDir: opts.dataDir };
}

/**
 * Reopens the remembered workspace, or signs in with the account named in the environment
 * (SWITCHBOARD_RELAY_URL, _LOGIN_EMAIL, _LOGIN_PASSWORD, _CACHE_PASSPHRASE; `overrides` win).
 */
export function resumeFromEnvironment(
  core: AppCore,
  overrides: { relayUrl?: string | undefined; email?: string | undefined } = {},
) {
  const env = process.env;
  return resumeOrSignIn(core.services.session, {
    relayUrl: overrides.relayUrl ?? env['SWITCHBOARD_RELAY_URL'],
    email: overrides.email ?? env['SWITCHBOARD_LOGIN_EMAIL'],
    password: env['SWITCHBOARD_LOGIN_PASSWORD'],
    passphrase: env['SWITCHBOARD_CACHE_PASSPHRASE'],
  });
}
