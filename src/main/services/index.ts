import type { AppInfo } from '../../shared/api';
import type { AgentState } from '../../shared/agentState';
import type { Logger } from '../base/logger';
import { ActivityService } from './activityService';
import { AgentStateService } from './agentStateService';
import { EventHub } from '../base/events';
import { osKeychain, type SecretStore } from '../keychain/secretStore';
import { PhoneAccountService } from './phoneAccountService';
import { provisionDemoPhone, readDemoPhoneAccounts } from './demoPhone';
import { SettingsService } from './settingsService';
import { UpdateStatusService } from './updateStatusService';
import { SessionService, type SessionOptions } from './sessionService';
import { RecordingService } from './recordingService';
import { AdminService } from './adminService';
import { AttachmentService } from './attachmentService';
import { CallService } from './callService';
import { ConversationService } from './conversationService';
import { CustomerService } from './customerService';
import { TeamSettingsService } from './teamSettingsService';
import { MonitoringService } from './monitoringService';
import { ReportService } from './reportService';
import type { SessionState } from '../../shared/session';
import { SupervisorService } from './supervisorService';

/** The main-side services. None imports Electron, so Electron and the browser host share them. */
export type Services = {
  events: EventHub;
  settings: SettingsService;
  agentState: AgentStateService;
  activity: ActivityService;
  updates: UpdateStatusService;
  /** Sign-in, the encrypted cache and the sync client of the signed-in agent (`session:*`). */
  session: SessionService;
  customers: CustomerService;
  conversations: ConversationService;
  calls: CallService;
  attachments: AttachmentService;
  /** The supervisor's live board and actions, and supervisors' notices to this agent. */
  supervisor: SupervisorService;
  recordings: RecordingService;
  teams: TeamSettingsService;
  /** Listen / whisper / barge: grants, their checks, the live calls a supervisor may join. */
  monitoring: MonitoringService;
  admin: AdminService;
  reports: ReportService;
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
  /** Test overrides for the session (sync timings, keychain). */
  session?: Pick<SessionOptions, 'sync' | 'vault'>;
  /** Where the SIP password goes; default the OS keychain. */
  secrets?: SecretStore;
  /** The demo's SIP accounts file (SWITCHBOARD_DEMO_PHONE_ACCOUNTS, see demoPhone.ts). Default: none. */
  demoPhoneAccounts?: string;
  /** The package the demo's embedded PBX misses (SWITCHBOARD_DEMO_PBX_MISSING). Default: none. */
  pbxMissing?: string;
};

/** Builds the services for one app instance rooted at `dataDir`. */
export function createServices(opts: ServiceOptions): Services {
  const events = new EventHub();
  const info = appInfoOf(opts);
  const agentState = new AgentStateService(events);
  // The supervisor's desk and the session name each other (actions go out through the session).
  const supervisor: SupervisorService = new SupervisorService({
    events,
    setOwnState: (state) => agentState.set(state),
    relay: (path, init) => session.relayFetch(path, init),
  });
  const session: SessionService = new SessionService({
    dataDir: opts.dataDir,
    events,
    log: opts.log,
    presence: () => agentState.get().state,
    onClientOpened: (client) => supervisor.attach(client),
    onWhisperArrived: (n) => supervisor.caughtUp(n),
    ...opts.session,
  });
  const store = () => session.requireStore();
  const relay = session.relayFetch.bind(session);
  // The relay routes work by this state: keep it told.
  events.subscribe((event, payload) => {
    if (event === 'agent:stateChanged') session.setPresence((payload as { state: AgentState }).state);
  });
  const recordings = new RecordingService({
    store,
    relay: (path, init) => session.relayFetch(path, init),
    log: opts.log,
  });
  // Recordings waiting for the relay go up whenever the app is back online.
  events.subscribe((event, payload) => {
    if (event === 'session:changed' && (payload as SessionState).sync.status === 'online')
      void recordings.upload();
  });
  const phone = new PhoneAccountService(
    opts.dataDir,
    opts.secrets ?? osKeychain(),
    opts.log,
    opts.pbxMissing ?? null,
  );
  // The demo's accounts are set up before the windows hear of the sign-in (this listener is first).
  if (opts.demoPhoneAccounts) provisionDemoPhoneAtSignIn(events, phone, opts.demoPhoneAccounts, opts.log);
  const activity = new ActivityService(events);
  activity.setPendingSource(() => session.pendingCount());
  return {
    events,
    session,
    customers: new CustomerService(store),
    conversations: new ConversationService({ store, sendRead: (id) => session.sendRead(id) }),
    calls: new CallService({ store, uploadRecordings: () => void recordings.upload() }),
    attachments: new AttachmentService({ store, relay }),
    supervisor,
    recordings,
    teams: new TeamSettingsService({ store, relay }),
    monitoring: new MonitoringService({ store, relay }),
    admin: new AdminService(relay),
    reports: new ReportService({ store, relay }),
    phone,
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

function appInfoOf(opts: ServiceOptions): AppInfo {
  return {
    name: 'Switchboard',
    version: opts.version,
    platform: process.platform,
    arch: process.arch,
    host: opts.host,
    runtime: opts.runtime,
  };
}

/** Sets up the demo's SIP account of whoever signs in, again once the relay names the agent. */
function provisionDemoPhoneAtSignIn(
  events: EventHub,
  phone: PhoneAccountService,
  accountsFile: string,
  log: Logger,
): void {
  const demoPhones = readDemoPhoneAccounts(accountsFile, log);
  if (!demoPhones) return;
  let provisionedFor: string | null = null;
  events.subscribe((event, payload) => {
    const session = payload as SessionState;
    if (event !== 'session:changed' || session.status !== 'signedIn' || !session.email) return;
    // Again once the relay has told us the agent's name (the softphone's display name).
    const key = `${session.email}\n${session.agent?.name ?? ''}`;
    if (key === provisionedFor) return;
    provisionedFor = key;
    provisionDemoPhone(phone, demoPhones, session.email, session.agent?.name ?? '', log);
  });
}
