import { presenceOf, type AgentState, type Presence } from '../../../shared/agentState';

/** What the status rule needs to know of a call. */
export type CallForStatus = { direction: 'in' | 'out'; state: string; answeredAt: number | null };

/**
 * The agent status that calls cause, and its undoing: Busy while on a call (answered, or one the
 * agent is placing), After-call work while wrap-ups wait, then the status the agent had before
 * (Away keeps its reason), however the call ended. Any live call counts, whether the queue offered
 * it or it came or went straight through the phone (the dial pad, click-to-dial, the palette), so
 * the header says "on a call" whatever the status was: an Offline or Away agent on the phone is on
 * a call. A status the agent chose during the call (Away, Offline, or Available again by hand) is
 * theirs and is never overwritten, not even by the undoing. A call that only rang (missed,
 * declined) changes nothing.
 */
export class CallStatus {
  /** The status before the phone changed it, while the phone's change stands. */
  private before: Presence | null = null;
  /** What the phone last set. */
  private mine: AgentState | null = null;
  /** The agent chose a status during these calls: the phone leaves it alone until they are over. */
  private yielded = false;

  /** The status to set now, or null for none. `current` is the agent's status as the app knows it. */
  next(current: Presence, calls: readonly CallForStatus[], wrapUps: number): Presence | null {
    const onCall = calls.some((c) => c.answeredAt !== null || c.direction === 'out');
    const want: AgentState | null = onCall ? 'busy' : wrapUps > 0 ? 'after-call-work' : null;
    if (this.mine !== null && current.state !== this.mine) {
      // The agent (or the relay) chose something else since: that choice stands, until the
      // calls and their wrap-ups are over.
      this.before = null;
      this.mine = null;
      this.yielded = true;
    }
    if (want === null) {
      this.yielded = false;
      if (this.mine === null) return null;
      const back = this.before;
      this.before = null;
      this.mine = null;
      return back;
    }
    if (this.yielded) return null;
    if (this.mine === null) {
      // Already what a call would set (left from before this app started): nothing to undo later.
      if (current.state === 'busy' || current.state === 'after-call-work') return null;
      this.before = presenceOf(current);
    }
    if (want === this.mine) return null;
    this.mine = want;
    return { state: want };
  }
}
