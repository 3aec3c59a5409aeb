import { describe, expect, it } from 'vitest';
import { setAgentStateSchema } from '../../shared/agentState';
import { EventHub } from '../base/events';
import { AgentStateService } from './agentStateService';

describe('main/services/agentStateService', () => {
  it('keeps an away reason, restarts the time when the reason changes, and drops it on leaving away', () => {
    const events = new EventHub();
    const heard: unknown[] = [];
    events.subscribe((event, payload) => heard.push([event, payload]));
    let t = Date.parse('2026-12-02T09:00:00Z');
    const service = new AgentStateService(events, () => new Date(t));

    t += 60_000;
    expect(service.set('away', 'lunch')).toEqual({
      state: 'away',
      reason: 'lunch',
      since: '2026-12-02T09:01:00.000Z',
    });
    t += 60_000;
    expect(service.set('away', 'lunch').since).toBe('2026-12-02T09:01:00.000Z');
    expect(service.set('away', 'meeting')).toEqual({
      state: 'away',
      reason: 'meeting',
      since: '2026-12-02T09:02:00.000Z',
    });
    expect(service.set('available')).toEqual({ state: 'available', since: '2026-12-02T09:02:00.000Z' });
    expect(heard).toHaveLength(3);
  });

  it('refuses a reason with any state but away', () => {
    expect(setAgentStateSchema.safeParse({ state: 'away', reason: 'break' }).success).toBe(true);
    const bad = setAgentStateSchema.safeParse({ state: 'available', reason: 'break' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toBe('A reason can only be given with the away state');
    expect(setAgentStateSchema.safeParse({ state: 'away', reason: 'nap' }).success).toBe(false);
  });
});
