import type { AgentState, AgentStateInfo } from '../../shared/agentState';
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

  set(state: AgentState): AgentStateInfo {
    if (state !== this.info.state) {
      this.info = { state, since: this.now().toISOString() };
      this.events.emit('agent:stateChanged', this.get());
    }
    return this.get();
  }
}
