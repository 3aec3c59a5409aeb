import { describe, expect, it } from 'vitest';
import { audienceOf, canSee, type ConversationScope, type Viewer } from './visibility';

const agent: Viewer = { agentId: 'a1', role: 'agent', teamIds: new Set(['tA']) };

describe('relay/data/visibility', () => {
  it('shares records that belong to no conversation', () => {
    expect(canSee(agent, null, null)).toBe(true);
  });
  it('shows a conversation to its team and its assignee only', () => {
    expect(canSee(agent, 'c1', { teamId: 'tA', assigneeId: null })).toBe(true);
    expect(canSee(agent, 'c1', { teamId: 'tB', assigneeId: 'a1' })).toBe(true);
    expect(canSee(agent, 'c1', { teamId: 'tB', assigneeId: 'a2' })).toBe(false);
    expect(canSee({ ...agent, role: 'supervisor' }, 'c1', { teamId: 'tB', assigneeId: null })).toBe(false);
    expect(canSee(agent, 'c1', null)).toBe(false);
  });
  it('shows admins everything', () => {
    expect(canSee({ ...agent, role: 'admin' }, 'c1', { teamId: 'tB', assigneeId: 'a2' })).toBe(true);
  });
  it('tells the same audience through its index as canSee does viewer by viewer', () => {
    const viewers: Viewer[] = [
      agent,
      { agentId: 'a2', role: 'agent', teamIds: new Set(['tA', 'tB']) },
      { agentId: 'a3', role: 'supervisor', teamIds: new Set(['tB']) },
      { agentId: 'a4', role: 'agent', teamIds: new Set() },
      { agentId: 'a5', role: 'admin', teamIds: new Set() },
    ];
    const audience = audienceOf(viewers.map((viewer) => ({ member: viewer.agentId, viewer })));
    const scopes: (ConversationScope | null)[] = [null];
    for (const teamId of [null, 'tA', 'tB', 'tC'])
      for (const assigneeId of [null, 'a1', 'a3', 'a4', 'a9']) scopes.push({ teamId, assigneeId });
    for (const convId of [null, 'c1'])
      for (const scope of scopes) {
        const told = new Set<string>();
        audience.each(convId, scope, (id) => told.add(id));
        const expected = viewers.filter((v) => canSee(v, convId, scope)).map((v) => v.agentId);
        expect([...told].sort()).toEqual(expected.sort());
      }
  });
});
