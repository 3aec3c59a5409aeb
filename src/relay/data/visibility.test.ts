import { describe, expect, it } from 'vitest';
import { canSee, type Viewer } from './visibility';

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
});
