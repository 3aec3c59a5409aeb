import type { AppInfo } from '../../shared/api';
import type { AgentState } from '../../shared/agentState';
import type { Logger } from '../logger';
import { ActivityService } from './activityService';
import { AgentStateService } from './agentStateService';
import { EventHub } from './events';
import { osKeychain, type SecretStore } from '../keychain/secretStore';
import { PhoneAccountService } from './phoneAccountService';
import { SettingsService } from './settingsService';
import { UpdateStatusService } from './updateStatusService';
import { WorkspaceService, type WorkspaceOptions } from './workspaceService';
import { RecordingService } from './recordingService';
import type { SessionState } from '../../shared/session';

/** The main-side services. None imports Electron, so Electron and the browser host share them. */
export type Services = {
  events: EventHub;
  settings: SettingsService;
  agentState: AgentStateService;
  activity: ActivityService;
  updates: UpdateStatusService;
  workspace: WorkspaceService;
  recordings: RecordingService;
  phone: PhoneAccountService;
  appInfo: () => AppInfo;
  log: Logger;
};

export type ServiceOptions = {
  dataDir: string;
  host: AppInfo['host'];
  version: string;
  runtime: string;
  log: Logger;
  /** Test overrides for the workspace (sync timings, keychain). */
  workspace?: Pick<WorkspaceOptions, 'sync' | 'vault'>;
  /** Where the SIP password goes; default the OS keychain. */
  secrets?: SecretStore;
};

/** Builds the services for one app instance rooted at `dataDir`. */
export function createServices(opts: ServiceOptions): Services {
  const events = new EventHub();
  const info: AppInfo = {
    name: 'Switchboard',
    version: opts.version,
    platform: process.platform,
    arch: process.arch,
    host: opts.host,
    runtime: opts.runtime,
  };
  const agentState = new AgentStateService(events);
  const workspace = new WorkspaceService({
    dataDir: opts.dataDir,
    events,
    log: opts.log,
    presence: () => agentState.get().state,
    ...opts.workspace,
  });
  // The relay routes work by this state: keep it told.
  events.subscribe((event, payload) => {
    if (event === 'agent:stateChanged') workspace.setPresence((payload as { state: AgentState }).state);
  });
  const recordings = new RecordingService({
    store: () => workspace.requireStore(),
    relay: (path, init) => workspace.relayFetch(path, init),
    log: opts.log,
  });
  // Recordings waiting for the relay go up whenever the app is back online.
  events.subscribe((event, payload) => {
    if (event === 'session:changed' && (payload as SessionState).sync.status === 'online')
      void recordings.upload();
  });
  const activity = new ActivityService();
  activity.setPendingSource(() => workspace.pendingCount());
  return {
    events,
    workspace,
    recordings,
    phone: new PhoneAccountService(opts.dataDir, opts.secrets ?? osKeychain(), opts.log),
    settings: new SettingsService(opts.dataDir, events, opts.log),
    agentState,
    activity,
    updates: new UpdateStatusService(
      events,
      opts.version,
      opts.host === 'browser'
        ? 'The browser host is updated with the server it runs on.'
        : 'No update server is configured; IT sets one in the managed configuration.',
    ),
    appInfo: () => ({ ...info }),
    log: opts.log,
  };
}
