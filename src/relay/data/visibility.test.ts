import { describe, expect, it } from 'vitest';
import {
  audienceOf,
  canSee,
  canSeeRecord,
  privateToOf,
  visibleOfThread,
  type ConversationScope,
  type Viewer,
} from './visibility';

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
  it('shows a whisper to the agent it is for and the overseers, never to the team’s other agents', () => {
    const whisper = { conversationId: 'c1', body: 'x', whisperTo: 'a1' };
    expect(privateToOf('note', whisper)).toBe('a1');
    expect(privateToOf('note', { conversationId: 'c1', body: 'x' })).toBeNull();
    expect(privateToOf('message', whisper)).toBeNull(); // only notes carry an audience
    expect(privateToOf('note', null)).toBeNull(); // a tombstone
    const scope = { teamId: 'tA', assigneeId: 'a1' };
    const a2: Viewer = { agentId: 'a2', role: 'agent', teamIds: new Set(['tA']) };
    expect(canSeeRecord(agent, 'c1', scope, 'a1')).toBe(true);
    expect(canSeeRecord(a2, 'c1', scope, 'a1')).toBe(false);
    expect(canSeeRecord({ ...a2, role: 'supervisor' }, 'c1', scope, 'a1')).toBe(true);
    // An overseer still needs to see the conversation at all.
    expect(
      canSeeRecord({ agentId: 's', role: 'supervisor', teamIds: new Set(['tB']) }, 'c1', scope, 'a1'),
    ).toBe(false);
    expect(canSeeRecord({ ...a2, role: 'admin' }, 'c1', scope, 'a1')).toBe(true);
    const thread = [
      { entity: 'message', data: { body: 'hi' } },
      { entity: 'note', data: whisper },
      { entity: 'note', data: { body: 'team note' } },
    ];
    expect(visibleOfThread(a2, thread).map((r) => r.data.body)).toEqual(['hi', 'team note']);
    expect(visibleOfThread(agent, thread)).toHaveLength(3);
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
      for (const scope of scopes)
        for (const privateTo of convId === null ? [null] : [null, 'a1', 'a4', 'a9']) {
          const told = new Set<string>();
          audience.each(convId, scope, (id) => told.add(id), privateTo);
          const expected = viewers
            .filter((v) => canSeeRecord(v, convId, scope, privateTo))
            .map((v) => v.agentId);
          expect([...told].sort()).toEqual(expected.sort());
        }
  });
});
