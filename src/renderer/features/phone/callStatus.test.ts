import { describe, expect, it } from 'vitest';
import type { AgentState } from '../../../shared/agentState';
import { CallStatus, type CallForStatus } from './callStatus';

const ringing: CallForStatus = { direction: 'in', state: 'ringing', answeredAt: null };
const talking: CallForStatus = { direction: 'in', state: 'established', answeredAt: 1 };
const dialing: CallForStatus = { direction: 'out', state: 'connecting', answeredAt: null };

/** Runs the rule like the app does: each status it asks for is applied before the next step. */
function run(start: AgentState, steps: [CallForStatus[], number, AgentState?][]) {
  const rule = new CallStatus();
  let state = start;
  const seen: AgentState[] = [state];
  for (const [calls, wraps, chosen] of steps) {
    if (chosen) state = chosen;
    const next = rule.next(state, calls, wraps);
    if (next) state = next;
    seen.push(state);
  }
  return seen;
}

describe('call status', () => {
  it('a declined or missed call leaves an available agent available', () => {
    expect(
      run('available', [
        [[ringing], 0],
        [[], 0],
      ]),
    ).toEqual(['available', 'available', 'available']);
  });

  it('busy while talking, after-call work during the wrap-up, then what it was', () => {
    expect(
      run('available', [
        [[ringing], 0],
        [[talking], 0],
        [[], 1],
        [[], 0],
      ]),
    ).toEqual(['available', 'available', 'busy', 'after-call-work', 'available']);
  });

  it('an outgoing call is busy from the dial, and a failed dial undoes it', () => {
    expect(
      run('available', [
        [[dialing], 0],
        [[], 0],
      ]),
    ).toEqual(['available', 'busy', 'available']);
  });

  it('a chosen Away is never overwritten, by the call or by the wrap-up', () => {
    expect(
      run('away', [
        [[talking], 0],
        [[], 1],
        [[], 0],
      ]),
    ).toEqual(['away', 'away', 'away', 'away']);
    // Away chosen during the call: it stays after the call and the wrap-up.
    expect(
      run('available', [
        [[talking], 0],
        [[talking], 0, 'away'],
        [[], 1],
        [[], 0],
      ]),
    ).toEqual(['available', 'busy', 'away', 'away', 'away']);
  });
});
