import type { AgentState, AgentStateInfo, AwayReason } from '../../shared/agentState';
import type { EventHub } from '../base/events';

/**
 * The agent's routing state as this app knows it. The relay becomes the authority once routing
 * exists; until then the agent sets it by hand and the tray and header show it.
 */
export class AgentStateService {
  private info: AgentStateInfo;

  constructor(
    private readonly events: EventHub,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.info = { state: 'offline', since: this.now().toISOString() };
  }

  get(): AgentStateInfo {
    return { ...this.info };
  }

  /** Sets the state (and the reason for away); a new reason is a new status, so its time restarts. */
  set(state: AgentState, reason?: AwayReason): AgentStateInfo {
    const nextReason = state === 'away' ? reason : undefined;
    if (state !== this.info.state || nextReason !== this.info.reason) {
      this.info = { state, since: this.now().toISOString(), ...(nextReason ? { reason: nextReason } : {}) };
      this.events.emit('agent:stateChanged', this.get());
    }
    return this.get();
  }
}
