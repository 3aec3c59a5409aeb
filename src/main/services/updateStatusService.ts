import type { UpdateStatus } from '../../shared/updates/status';
import type { EventHub } from '../base/events';

/** The hooks the Electron updater installs; absent in the browser host. */
export type UpdateDriver = {
  check(): Promise<void>;
  /** Records the agent's choice; the updater installs when the policy allows. */
  requestInstall(): void;
};

/**
 * Holds the update status shown to the agent. Electron's updater (src/main/electron/updater.ts)
 * drives it; elsewhere it reports why updates are not available here.
 */
export class UpdateStatusService {
  private status: UpdateStatus;
  private driver: UpdateDriver | null = null;

  constructor(
    private readonly events: EventHub,
    currentVersion: string,
    unsupportedReason: string,
  ) {
    this.status = {
      supported: false,
      unsupportedReason,
      currentVersion,
      channel: 'stable',
      state: 'unsupported',
      available: null,
      progress: null,
      waitingFor: null,
      lastError: null,
      lastCheckedAt: null,
    };
  }

  get(): UpdateStatus {
    return structuredClone(this.status);
  }

  /** Called once by the Electron updater when an update server is configured. */
  attach(driver: UpdateDriver, channel: string): void {
    this.driver = driver;
    this.patch({ supported: true, unsupportedReason: null, channel, state: 'idle' });
  }

  patch(p: Partial<UpdateStatus>): UpdateStatus {
    this.status = { ...this.status, ...p };
    this.events.emit('updates:statusChanged', this.get());
    return this.get();
  }

  async check(): Promise<UpdateStatus> {
    if (this.driver) await this.driver.check();
    return this.get();
  }

  installNow(): UpdateStatus {
    this.driver?.requestInstall();
    return this.get();
  }
}
