import { describe, expect, it } from 'vitest';
import { callEventsBetween } from './callEvents';
import { newSnapshot } from './sipTypes';
import type { CallSnapshot } from './sipTypes';

const incoming = () =>
  newSnapshot('in', 'ringing', '+8613800000000', 'Wang', 'from', { callId: 'c1', conversationId: 'conv' });
const step = (c: CallSnapshot, patch: Partial<CallSnapshot>): CallSnapshot => ({ ...c, ...patch });

/** Feeds snapshots in order and collects the states reported. */
function run(snaps: CallSnapshot[]): string[] {
  const out: string[] = [];
  let prev: CallSnapshot | undefined;
  for (const s of snaps) {
    for (const e of callEventsBetween(prev, s)) out.push(e.endedBy ? `${e.state}:${e.endedBy}` : e.state);
    prev = s;
  }
  return out;
}

describe('renderer/phone/callEvents', () => {
  it('an answered queue call: talking, held, talking, ended by the agent; ringing is the relay’s', () => {
    const r = incoming();
    const t = step(r, { state: 'established', answeredAt: 1 });
    const h = step(t, { held: true });
    const u = step(h, { held: false });
    const e = step(u, { state: 'ended', endReason: 'local', endedAt: 2 });
    expect(run([r, t, step(t, { media: 'flowing' }), h, u, e])).toEqual([
      'talking',
      'held',
      'talking',
      'ended:agent',
    ]);
  });

  it('a declined or missed call reports nothing: the relay rings the next agent', () => {
    const r = incoming();
    expect(run([r, step(r, { state: 'ended', endReason: 'declined' })])).toEqual([]);
    expect(run([r, step(r, { state: 'ended', endReason: 'cancelled' })])).toEqual([]);
  });

  it('the customer hangs up; a transfer ends as transferred; a consult leg is not the call', () => {
    const r = incoming();
    const t = step(r, { state: 'established', answeredAt: 1 });
    expect(run([r, t, step(t, { state: 'ended', endReason: 'remote' })])).toEqual([
      'talking',
      'ended:customer',
    ]);
    expect(run([r, t, step(t, { state: 'ended', endReason: 'transferred' })])).toEqual([
      'talking',
      'transferred',
    ]);
    const consult = step(t, { consult: true });
    expect(run([consult, step(consult, { state: 'ended', endReason: 'transferred' })])).toEqual([]);
  });

  it('a call the agent places: dialing (with the number), talking, ended; unanswered ends too', () => {
    const d = newSnapshot('out', 'dialing', '+8613900000000', '', 'to', {
      callId: 'c2',
      conversationId: 'v',
    });
    const t = step(d, { state: 'established', answeredAt: 1 });
    expect(callEventsBetween(undefined, d)[0]).toMatchObject({ state: 'dialing', dialled: '+8613900000000' });
    expect(run([d, t, step(t, { state: 'ended', endReason: 'remote' })])).toEqual([
      'dialing',
      'talking',
      'ended:customer',
    ]);
    expect(run([d, step(d, { state: 'ended', endReason: 'declined' })])).toEqual([
      'dialing',
      'ended:customer',
    ]);
    expect(run([d, step(d, { state: 'ended', endReason: 'failed' })])).toEqual(['dialing', 'ended']);
  });
});
