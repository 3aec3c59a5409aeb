import type { AgentState } from '../../../shared/agentState';

/** What the status rule needs to know of a call. */
export type CallForStatus = { direction: 'in' | 'out'; state: string; answeredAt: number | null };

/**
 * The agent status that calls cause, and its undoing: Busy while on a call (answered, or one the
 * agent is placing), After-call work while wrap-ups wait, then the status the agent had before,
 * however the call ended. A call only ever moves an agent who was Available; a status the agent
 * chose meanwhile (Away, Offline, or Available again by hand) is theirs and is never overwritten,
 * not even by the undoing. A call that only rang (missed, declined) changes nothing.
 */
export class CallStatus {
  /** The status before the phone changed it, while the phone's change stands. */
  private before: AgentState | null = null;
  /** What the phone last set. */
  private mine: AgentState | null = null;

  /** The status to set now, or null for none. `current` is the agent's status as the app knows it. */
  next(current: AgentState, calls: readonly CallForStatus[], wrapUps: number): AgentState | null {
    const onCall = calls.some((c) => c.answeredAt !== null || c.direction === 'out');
    const want: AgentState | null = onCall ? 'busy' : wrapUps > 0 ? 'after-call-work' : null;
    if (this.mine !== null && current !== this.mine) {
      // The agent (or the relay) chose something else since: that choice stands.
      this.before = null;
      this.mine = null;
    }
    if (want === null) {
      if (this.mine === null) return null;
      const back = this.before;
      this.before = null;
      this.mine = null;
      return back;
    }
    if (this.mine === null) {
      if (current !== 'available') return null;
      this.before = current;
    }
    if (want === this.mine) return null;
    this.mine = want;
    return want;
  }
}
