import type { ApiClient } from '../../../api/client';
import type { RootStore } from '../../../store';
import type { SipPhone } from '../sipPhone';
import type { CallSnapshot } from '../sipTypes';
import { AgentMonitoring } from './agentMonitoring';
import type { MonitorControls } from './monitoringSlice';
import { SupervisorMonitoring } from './supervisorMonitoring';

/**
 * Listen / whisper / barge on this workstation's phone, both sides: as the agent (a supervisor's
 * grant-carrying INVITE is checked and mixed in, never rung) and as the supervisor (joining an
 * agent's call from Live calls). The phone controller attaches each new phone and reports calls.
 */
export class PhoneMonitoring {
  private agent: AgentMonitoring | null = null;
  private phone: SipPhone | null = null;
  private readonly supervisor: SupervisorMonitoring;

  constructor(
    private readonly api: ApiClient,
    private readonly store: RootStore,
    /** The customer call's sender changed track (recordings follow what the customer hears). */
    private readonly senderChanged: () => void,
    private readonly fail: (err: unknown) => void,
  ) {
    this.supervisor = new SupervisorMonitoring(api, store, () => this.phone?.monitorPort() ?? null);
  }

  controls(): MonitorControls {
    return this.supervisor.controls();
  }

  /** A new phone (registration): supervisors' INVITEs are screened before they ring. */
  attach(phone: SipPhone): void {
    this.phone = phone;
    this.agent = new AgentMonitoring(this.api, this.store, phone.monitorPort(), this.senderChanged, (m) =>
      this.fail(new Error(m)),
    );
    const agent = this.agent;
    phone.screenInvite = (inv) => agent.screen(inv);
    // A microphone switch on a monitored call goes into the mix, not over it.
    phone.takeMicrophone = (callId, track) => agent.takeMicrophone(callId, track);
    // The relay's public key, for checking grants should the relay be out of reach later.
    void this.api.call('monitoring:prepare', {}).catch(() => undefined);
  }

  onCall(c: CallSnapshot): void {
    if (c.state === 'ended') this.agent?.callEnded(c.id);
  }
}
