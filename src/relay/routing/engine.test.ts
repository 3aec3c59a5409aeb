import { describe, expect, it } from 'vitest';
import { RoutingEngine } from './engine';
import type { QueueConfig, RoutingEffect } from './types';

function setup(strategy: QueueConfig['strategy'] = 'least-busy', extra: Partial<QueueConfig> = {}) {
  let t = 1_000_000;
  let n = 0;
  const engine = new RoutingEngine({ now: () => t, newId: () => `offer-${++n}`, disconnectGraceMs: 60_000 });
  engine.upsertQueue({
    id: 'q1',
    teamId: 'A',
    strategy,
    requiredSkills: [],
    offerTimeoutMs: 30_000,
    overflow: null,
    ...extra,
  });
  engine.upsertQueue({
    id: 'q2',
    teamId: 'B',
    strategy,
    requiredSkills: [],
    offerTimeoutMs: 30_000,
    overflow: null,
  });
  const online = (id: string, teamIds = ['A'], skills: string[] = [], capacity?: { chat?: number }) => {
    engine.upsertAgent({ id, teamIds, skills, ...(capacity ? { capacity } : {}) });
    engine.agentConnected(id);
    return engine.setAgentState(id, 'available');
  };
  const chat = (id: string, customerId: string | null = null, queueId = 'q1', requiredSkills?: string[]) =>
    engine.enqueue({
      conversationId: id,
      customerId,
      queueId,
      kind: 'chat',
      ...(requiredSkills ? { requiredSkills } : {}),
    });
  return { engine, online, chat, advance: (ms: number) => ((t += ms), engine.tick()) };
}
const offers = (fx: RoutingEffect[]) => fx.flatMap((e) => (e.type === 'offer' ? [e.offer] : []));

describe('relay/routing/engine', () => {
  it('offers to one agent at a time, and accept assigns', () => {
    const { engine, online, chat } = setup();
    online('a1');
    online('a2');
    const [offer] = offers(chat('c1'));
    expect(offer).toBeDefined();
    expect(engine.offerOf('c1')).toEqual(offer);
    const r = engine.accept(offer!.offerId, offer!.agentId);
    expect(r.ok && r.effects[0]).toEqual({ type: 'assigned', conversationId: 'c1', agentId: offer!.agentId });
    expect(engine.assigneeOf('c1')).toBe(offer!.agentId);
    expect(engine.accept(offer!.offerId, offer!.agentId)).toEqual({ ok: false, reason: 'no-such-offer' });
  });

  it('moves on to the next agent on decline and on timeout', () => {
    const { engine, online, chat, advance } = setup();
    online('a1');
    online('a2');
    const first = offers(chat('c1'))[0]!;
    const second = offers(engine.decline(first.offerId, first.agentId))[0]!;
    expect(second.agentId).not.toBe(first.agentId);
    const fx = advance(30_000);
    expect(fx).toContainEqual({ type: 'offerWithdrawn', offer: second, reason: 'timeout' });
    // Both refused recently: it waits rather than bouncing between them.
    expect(offers(fx)).toEqual([]);
    expect(engine.queuePosition('c1')).toBe(1);
  });

  it('never offers past capacity, counting outstanding offers', () => {
    const { engine, online, chat } = setup();
    online('a1', ['A'], [], { chat: 2 });
    const fx = [...chat('c1'), ...chat('c2'), ...chat('c3')];
    expect(offers(fx)).toHaveLength(2);
    expect(engine.snapshot('a1')).toMatchObject({ offered: { chat: 2 }, load: { chat: 0 } });
    for (const o of offers(fx)) engine.accept(o.offerId, 'a1');
    expect(engine.offerOf('c3')).toBeNull();
    const freed = engine.release('c1');
    expect(offers(freed).map((o) => o.conversationId)).toEqual(['c3']);
  });

  it('offers only to available, connected agents with the required skills', () => {
    const { engine, online, chat } = setup('skills', { requiredSkills: ['lang:zh'] });
    online('en', ['A'], ['lang:en']);
    online('zh', ['A'], ['lang:zh']);
    expect(offers(chat('c1'))[0]?.agentId).toBe('zh');
    engine.setAgentState('zh', 'away');
    expect(engine.offerOf('c1')).toBeNull();
    expect(offers(chat('c2'))).toEqual([]);
    expect(
      offers(engine.setAgentState('zh', 'available'))
        .map((o) => o.conversationId)
        .sort(),
    ).toEqual(['c1', 'c2']);
  });

  it('sends a returning customer to the agent who served them last', () => {
    const { engine, online, chat } = setup();
    online('a1');
    online('a2');
    const o = offers(chat('c1', 'cust-1'))[0]!;
    engine.accept(o.offerId, o.agentId);
    engine.release('c1');
    // Give the other agent an advantage under least-busy: the returning customer still goes back.
    const later = offers(chat('c2', 'cust-1'))[0]!;
    expect(later.agentId).toBe(o.agentId);
  });

  it('round-robin takes turns', () => {
    const { engine, online, chat } = setup('round-robin');
    online('a1');
    online('a2');
    online('a3');
    const who = ['c1', 'c2', 'c3', 'c4'].map((c) => {
      const o = offers(chat(c))[0]!;
      engine.accept(o.offerId, o.agentId);
      return o.agentId;
    });
    expect(who).toEqual(['a1', 'a2', 'a3', 'a1']);
  });

  it('leaves to its owner the overflow of work another part moves itself (a live call: the voice queue)', () => {
    let t = 0;
    const engine = new RoutingEngine({ now: () => t, ownOverflow: (item) => item.kind === 'call' });
    for (const [id, teamId] of [
      ['q1', 'A'],
      ['q2', 'B'],
    ] as const)
      engine.upsertQueue({
        id,
        teamId,
        strategy: 'least-busy',
        requiredSkills: [],
        offerTimeoutMs: 30_000,
        overflow: id === 'q1' ? { afterMs: 60_000, toQueueId: 'q2' } : null,
      });
    engine.enqueue({ conversationId: 'call', customerId: null, queueId: 'q1', kind: 'call' });
    engine.enqueue({ conversationId: 'chat', customerId: null, queueId: 'q1', kind: 'chat' });
    t = 60_000;
    const moved = engine.tick().flatMap((e) => (e.type === 'overflowed' ? [e.conversationId] : []));
    expect(moved).toEqual(['chat']);
  });

  it('overflows to another team after the wait, and re-queues work of an agent gone past the grace period', () => {
    const { engine, online, chat, advance } = setup('least-busy', {
      overflow: { afterMs: 120_000, toQueueId: 'q2' },
    });
    online('b1', ['B']);
    expect(offers(chat('c1'))).toEqual([]);
    const fx = advance(120_000);
    expect(fx).toContainEqual({
      type: 'overflowed',
      conversationId: 'c1',
      fromQueueId: 'q1',
      toQueueId: 'q2',
    });
    const o = offers(fx)[0]!;
    expect(o.agentId).toBe('b1');
    engine.accept(o.offerId, 'b1');
    online('b2', ['B']);
    engine.agentDisconnected('b1');
    expect(advance(59_000).some((e) => e.type === 'requeued')).toBe(false);
    const after = advance(1_000);
    expect(after).toContainEqual({
      type: 'requeued',
      conversationId: 'c1',
      agentId: 'b1',
      reason: 'agent-disconnected',
    });
    expect(offers(after)[0]?.agentId).toBe('b2');
  });

  it('an agent who reconnects within the grace period keeps their work', () => {
    const { engine, online, chat, advance } = setup();
    online('a1');
    const o = offers(chat('c1'))[0]!;
    engine.accept(o.offerId, 'a1');
    engine.agentDisconnected('a1');
    advance(30_000);
    engine.agentConnected('a1');
    expect(advance(60_000).some((e) => e.type === 'requeued')).toBe(false);
    expect(engine.assigneeOf('c1')).toBe('a1');
  });

  it('work restored after a restart: async work stays with an absent agent, a waiting chat moves after the grace counted from the restart', () => {
    const { engine, online, advance } = setup();
    engine.upsertAgent({ id: 'gone', teamIds: ['A'], skills: [] });
    engine.awaitReturn('gone');
    engine.enqueue({ conversationId: 'old-mail', customerId: null, queueId: 'q1', kind: 'email' }, 'gone');
    engine.enqueue({ conversationId: 'old-chat', customerId: null, queueId: 'q1', kind: 'chat' }, 'gone');
    online('a1');
    // No grace ran out while the relay was away: it starts at the restart.
    expect(advance(59_000).filter((e) => e.type === 'requeued')).toEqual([]);
    const fx = advance(1_000);
    expect(fx.filter((e) => e.type === 'requeued')).toEqual([
      { type: 'requeued', conversationId: 'old-chat', agentId: 'gone', reason: 'agent-disconnected' },
    ]);
    expect(offers(fx)).toEqual([expect.objectContaining({ conversationId: 'old-chat', agentId: 'a1' })]);
    expect(advance(10 * 60_000).filter((e) => e.type === 'requeued')).toEqual([]);
    expect(engine.assigneeOf('old-mail')).toBe('gone');
  });

  it('a dropped connection never takes async work; live work moves only if its customer still waits', () => {
    let t = 0;
    let n = 0;
    const waiting = new Set(['chat-waiting', 'call-ringing']);
    const engine = new RoutingEngine({
      now: () => t,
      newId: () => `o${++n}`,
      disconnectGraceMs: 180_000,
      customerWaiting: (item) => waiting.has(item.conversationId),
    });
    engine.upsertQueue({
      id: 'q',
      teamId: 'A',
      strategy: 'least-busy',
      requiredSkills: [],
      offerTimeoutMs: 30_000,
      overflow: null,
    });
    for (const id of ['home', 'office'])
      engine.upsertAgent({ id, teamIds: ['A'], skills: [], capacity: { email: 50 } });
    engine.agentConnected('home');
    engine.setAgentState('home', 'available');
    const work = [
      ...Array.from({ length: 20 }, (_, i) => ({ id: `mail-${i}`, kind: 'email' as const })),
      { id: 'chat-waiting', kind: 'chat' as const },
      { id: 'chat-left', kind: 'chat' as const },
      { id: 'call-ringing', kind: 'call' as const },
    ];
    for (const w of work) {
      const o = offers(
        engine.enqueue({ conversationId: w.id, customerId: null, queueId: 'q', kind: w.kind }),
      )[0]!;
      expect(engine.accept(o.offerId, 'home').ok).toBe(true);
    }
    engine.agentConnected('office');
    engine.setAgentState('office', 'available');
    engine.agentDisconnected('home');
    t += 179_000;
    expect(engine.tick().filter((e) => e.type === 'requeued')).toEqual([]);
    t += 1_000;
    const fx = engine.tick();
    expect(fx.flatMap((e) => (e.type === 'requeued' ? [e.conversationId] : [])).sort()).toEqual([
      'call-ringing',
      'chat-waiting',
    ]);
    expect(
      offers(fx)
        .map((o) => [o.conversationId, o.agentId])
        .sort(),
    ).toEqual([
      ['call-ringing', 'office'],
      ['chat-waiting', 'office'],
    ]);
    t += 3_600_000;
    expect(engine.tick().filter((e) => e.type === 'requeued')).toEqual([]);
    for (const w of work.filter((x) => !waiting.has(x.id))) expect(engine.assigneeOf(w.id)).toBe('home');
    expect(engine.customerReturned('chat-waiting')).toEqual([]); // already offered to 'office'
    // The visitor who left reopens the chat while 'home' is still away: it moves now; mail never does.
    waiting.add('chat-left');
    waiting.add('mail-0');
    expect(engine.customerReturned('mail-0').filter((e) => e.type === 'requeued')).toEqual([]);
    expect(engine.customerReturned('chat-left')).toContainEqual(
      expect.objectContaining({ type: 'requeued', conversationId: 'chat-left', agentId: 'home' }),
    );
    // Back: the kept work still counts against their capacity.
    engine.agentConnected('home');
    expect(engine.snapshot('home')?.load).toEqual({ call: 0, chat: 0, email: 20 });
  });

  it("uses the queue's own grace (the team's setting) over the default", () => {
    const { engine, online, chat, advance } = setup('least-busy', { awayGraceMs: 300_000 });
    online('a1');
    const o = offers(chat('c1'))[0]!;
    engine.accept(o.offerId, 'a1');
    online('a2');
    engine.agentDisconnected('a1');
    expect(advance(299_000).some((e) => e.type === 'requeued')).toBe(false);
    expect(advance(1_000)).toContainEqual(
      expect.objectContaining({ type: 'requeued', conversationId: 'c1', agentId: 'a1' }),
    );
  });
});
