import { describe, expect, it } from 'vitest';
import type { Presence } from '../../../shared/agentState';
import { CallStatus, type CallForStatus } from './callStatus';

const ringing: CallForStatus = { direction: 'in', state: 'ringing', answeredAt: null };
const talking: CallForStatus = { direction: 'in', state: 'established', answeredAt: 1 };
const dialing: CallForStatus = { direction: 'out', state: 'connecting', answeredAt: null };

/** Runs the rule like the app does: each status it asks for is applied before the next step. */
function run(start: Presence, steps: [CallForStatus[], number, Presence?][]) {
  const rule = new CallStatus();
  let status = start;
  const seen = [label(status)];
  for (const [calls, wraps, chosen] of steps) {
    if (chosen) status = chosen;
    const next = rule.next(status, calls, wraps);
    if (next) status = next;
    seen.push(label(status));
  }
  return seen;
}
const label = (p: Presence) => (p.reason ? `${p.state}:${p.reason}` : p.state);
const available: Presence = { state: 'available' };

describe('call status', () => {
  it('a declined or missed call leaves an available agent available', () => {
    expect(
      run(available, [
        [[ringing], 0],
        [[], 0],
      ]),
    ).toEqual(['available', 'available', 'available']);
  });

  it('busy while talking, after-call work during the wrap-up, then what it was', () => {
    expect(
      run(available, [
        [[ringing], 0],
        [[talking], 0],
        [[], 1],
        [[], 0],
      ]),
    ).toEqual(['available', 'available', 'busy', 'after-call-work', 'available']);
  });

  it('an outgoing call is busy from the dial, and a failed dial undoes it', () => {
    expect(
      run(available, [
        [[dialing], 0],
        [[], 0],
      ]),
    ).toEqual(['available', 'busy', 'available']);
  });

  it('a call straight through the phone shows as on a call from Offline or Away, then goes back', () => {
    // Dialled while Offline (the dial pad, click-to-dial, the palette): busy, wrap-up, Offline again.
    expect(
      run({ state: 'offline' }, [
        [[dialing], 0],
        [[{ ...dialing, state: 'established', answeredAt: 2 }], 0],
        [[], 1],
        [[], 0],
      ]),
    ).toEqual(['offline', 'busy', 'busy', 'after-call-work', 'offline']);
    // Answered while Away at lunch: back to Away with its reason after the wrap-up.
    expect(
      run({ state: 'away', reason: 'lunch' }, [
        [[ringing], 0],
        [[talking], 0],
        [[], 1],
        [[], 0],
      ]),
    ).toEqual(['away:lunch', 'away:lunch', 'busy', 'after-call-work', 'away:lunch']);
  });

  it('a status chosen during the call stands, through the wrap-up and after it', () => {
    expect(
      run(available, [
        [[talking], 0],
        [[talking], 0, { state: 'away' }],
        [[], 1],
        [[], 0],
      ]),
    ).toEqual(['available', 'busy', 'away', 'away', 'away']);
    expect(
      run({ state: 'away' }, [
        [[talking], 0],
        [[], 1, { state: 'available' }],
        [[], 0],
      ]),
    ).toEqual(['away', 'busy', 'available', 'available']);
  });
});
