import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { powerMonitor } from 'electron';
import { autoUpdater, type UpdateDownloadedEvent } from 'electron-updater';
import { isInRollout } from '../../shared/updates/rollout';
import type { Logger } from '../base/logger';
import type { Services } from '../services';
import { installId, readManagedConfig } from '../base/managedConfig';
import { loadPublicKey, type Feed } from '../updater/feed';
import { installerMatchesFeed } from '../updater/installerCheck';
import { decideInstall } from '../updater/installPolicy';
import { SignedFeedProvider, type SignedFeedOptions } from '../updater/signedProvider';

const CHECK_EVERY_MS = 60 * 60_000;
const POLICY_EVERY_MS = 30_000;

type UpdaterOptions = {
  services: Services;
  log: Logger;
  dataDir: string;
  resourcesDir: string;
  version: string;
};

/** What the updater learns as it runs: the feed it verified, the installer it checked, the agent's ask. */
type UpdaterState = {
  verified: Feed | null;
  downloaded: UpdateDownloadedEvent | null;
  agentRequested: boolean;
};

type ManagedConfig = ReturnType<typeof readManagedConfig>;

/**
 * Background updates from IT's feed: the feed must carry IT's Ed25519 signature (checked by
 * SignedFeedProvider before electron-updater sees it), the download must match the signed sha512,
 * and installing waits for a moment with no call and an empty outbox (installPolicy).
 */
export function startUpdater(opts: UpdaterOptions) {
  const { services, log } = opts;
  const managed = readManagedConfig(opts.dataDir);
  if (!managed.updateUrl) {
    log.info('no update server configured; updates are off');
    return;
  }
  const channel = managed.updateChannel ?? 'stable';
  const s: UpdaterState = { verified: null, downloaded: null, agentRequested: false };
  configureAutoUpdater(opts, s, { ...managed, updateUrl: managed.updateUrl }, channel);
  reportUpdaterEvents(opts, s);

  const check = async () => {
    try {
      await autoUpdater.checkForUpdates();
    } catch (err) {
      log.warn({ err }, 'update check failed');
    }
  };
  const applyPolicy = () => applyInstallPolicy(opts, s, managed);

  services.updates.attach(
    {
      check,
      requestInstall: () => {
        s.agentRequested = true;
        applyPolicy();
      },
    },
    channel,
  );
  setInterval(() => void check(), CHECK_EVERY_MS).unref();
  setInterval(applyPolicy, POLICY_EVERY_MS).unref();
  void check();
}

/** electron-updater on IT's signed feed of `channel`: downloads by itself, installs only when told, never older. */
function configureAutoUpdater(
  opts: UpdaterOptions,
  s: UpdaterState,
  managed: ManagedConfig & { updateUrl: string },
  channel: string,
): void {
  const { services, log } = opts;
  const publicKey = loadPublicKey(readFileSync(join(opts.resourcesDir, 'update-public-key.pem'), 'utf8'));
  const id = installId(opts.dataDir);
  const feedOptions: SignedFeedOptions = {
    provider: 'custom',
    url: `${managed.updateUrl.replace(/\/$/, '')}/${channel}/`,
    publicKey,
    switchboardChannel: channel,
    currentVersion: opts.version,
    onFeed: (r) => {
      if (r.ok) {
        s.verified = r.feed;
        return;
      }
      s.verified = null;
      log.warn({ code: r.code }, `update feed refused: ${r.message}`);
      services.updates.patch({ state: 'refused', lastError: { code: r.code, message: r.message } });
    },
  };
  autoUpdater.logger = {
    info: (m: unknown) => log.info(String(m)),
    warn: (m: unknown) => log.warn(String(m)),
    error: (m: unknown) => log.error(String(m)),
    debug: (m: unknown) => log.debug(String(m)),
  };
  autoUpdater.autoDownload = true;
  autoUpdater.autoInstallOnAppQuit = false;
  autoUpdater.allowDowngrade = false;
  autoUpdater.isUserWithinRollout = (info) => isInRollout(id, info.stagingPercentage);
  autoUpdater.setFeedURL({ ...feedOptions, updateProvider: SignedFeedProvider } as unknown as Parameters<
    typeof autoUpdater.setFeedURL
  >[0]);
}

/** The update status the agent sees, from electron-updater's events; a download not matching the feed is deleted. */
function reportUpdaterEvents(opts: UpdaterOptions, s: UpdaterState): void {
  const { services, log } = opts;
  autoUpdater.on('checking-for-update', () =>
    services.updates.patch({ state: 'checking', lastCheckedAt: new Date().toISOString() }),
  );
  autoUpdater.on('update-not-available', () =>
    services.updates.patch({ state: 'up-to-date', lastError: null }),
  );
  autoUpdater.on('update-available', (info) =>
    services.updates.patch({
      state: 'downloading',
      progress: 0,
      lastError: null,
      available: {
        version: info.version,
        releaseNotes: typeof info.releaseNotes === 'string' ? info.releaseNotes : '',
        releaseDate: info.releaseDate ?? null,
        deadline: s.verified?.switchboardInstallDeadline ?? null,
      },
    }),
  );
  autoUpdater.on('download-progress', (p) => services.updates.patch({ progress: Math.round(p.percent) }));
  autoUpdater.on('update-downloaded', (e) => {
    void (async () => {
      const expected =
        s.verified?.files.find((f) => e.downloadedFile.endsWith(f.url))?.sha512 ?? s.verified?.sha512;
      if (!expected || !(await installerMatchesFeed(e.downloadedFile, expected))) {
        log.error({ file: e.downloadedFile }, 'downloaded installer does not match the signed feed; deleted');
        rmSync(e.downloadedFile, { force: true });
        services.updates.patch({
          state: 'refused',
          lastError: {
            code: 'UPDATE_ERR_SHA512',
            message: 'The downloaded installer does not match the signed feed; it was deleted.',
          },
        });
        return;
      }
      s.downloaded = e;
      services.updates.patch({ state: 'downloaded', progress: 100 });
    })();
  });
  autoUpdater.on('error', (err) =>
    services.updates.patch({ state: 'error', lastError: { code: 'UPDATE_ERR', message: err.message } }),
  );
}

/** Installs a checked download now if the policy says so (no call, empty outbox, idle or asked, or past the deadline). */
function applyInstallPolicy(opts: UpdaterOptions, s: UpdaterState, managed: ManagedConfig): void {
  const { services, log } = opts;
  if (!s.downloaded) return;
  const deadline = s.verified?.switchboardInstallDeadline
    ? new Date(s.verified.switchboardInstallDeadline)
    : null;
  const d = decideInstall(
    {
      inCall: services.activity.inCall(),
      pendingOutbox: services.activity.pendingOutbox(),
      agentRequested: s.agentRequested,
      idleMs: powerMonitor.getSystemIdleTime() * 1000,
      now: new Date(),
      deadline,
    },
    { installWhenIdle: managed.installWhenIdle ?? true },
  );
  if (d.install) {
    log.info({ reason: d.reason, version: s.downloaded.version }, 'installing update');
    autoUpdater.quitAndInstall(true, true);
  } else {
    services.updates.patch({ waitingFor: d.reason });
  }
}
