import { describe, expect, it } from 'vitest';
import { RoutingEngine } from '../../../src/relay/routing/engine';
import type { Offer, QueueConfig, RoutingEffect, WorkKind } from '../../../src/relay/routing/types';
import { prng } from '../../support/chaosProxy';

// 500 agents in 50 teams, 5,000 conversations arriving in bursts, agents who accept, decline,
// let offers time out, resolve work and drop off the network, all on a simulated clock.
// After every event: nobody above capacity, no conversation offered to two agents at once.
// At the end: every conversation was assigned, none lost.

const TEAMS = 50;
const PER_TEAM = 10;
const CONVERSATIONS = 5_000;
const BURST = 500;

function simulate(seed: number) {
  const rnd = prng(seed);
  let now = 0;
  let ids = 0;
  const engine = new RoutingEngine({
    now: () => now,
    newId: () => `o${++ids}`,
    disconnectGraceMs: 60_000,
    declineCooldownMs: 20_000,
  });
  const strategies: QueueConfig['strategy'][] = ['round-robin', 'least-busy', 'skills'];
  for (let t = 0; t < TEAMS; t++) {
    engine.upsertQueue({
      id: `q${t}`,
      teamId: `t${t}`,
      strategy: strategies[t % 3]!,
      requiredSkills: t % 3 === 2 ? ['lang:zh'] : [],
      offerTimeoutMs: 30_000,
      overflow: { afterMs: 120_000, toQueueId: `q${(t + 1) % TEAMS}` },
    });
  }
  const agents: string[] = [];
  const capacity = new Map<string, Record<WorkKind, number>>();
  for (let t = 0; t < TEAMS; t++) {
    for (let i = 0; i < PER_TEAM; i++) {
      const id = `a${t}-${i}`;
      const cap = { call: 1, chat: 3 + (i % 3), email: 10 };
      agents.push(id);
      capacity.set(id, cap);
      engine.upsertAgent({
        id,
        teamIds: [`t${t}`],
        skills: i % 2 === 0 ? ['lang:zh', 'lang:en'] : ['lang:zh'],
        capacity: cap,
      });
      engine.agentConnected(id);
      engine.setAgentState(id, 'available');
    }
  }

  const outstanding = new Map<string, Offer>(); // conversation -> its one live offer
  const assignedCount = new Map<string, number>(); // conversation -> times assigned
  const working = new Map<string, { agentId: string; doneAt: number }>();
  const perAgent = new Map<string, number>();
  const violations: string[] = [];

  const apply = (fx: RoutingEffect[]) => {
    for (const e of fx) {
      switch (e.type) {
        case 'offer':
          if (outstanding.has(e.offer.conversationId))
            violations.push(`double offer of ${e.offer.conversationId}`);
          outstanding.set(e.offer.conversationId, e.offer);
          break;
        case 'offerWithdrawn':
          outstanding.delete(e.offer.conversationId);
          break;
        case 'assigned':
          outstanding.delete(e.conversationId);
          assignedCount.set(e.conversationId, (assignedCount.get(e.conversationId) ?? 0) + 1);
          perAgent.set(e.agentId, (perAgent.get(e.agentId) ?? 0) + 1);
          working.set(e.conversationId, {
            agentId: e.agentId,
            doneAt: now + 30_000 + Math.floor(rnd() * 270_000),
          });
          break;
        case 'requeued':
          working.delete(e.conversationId);
          break;
        case 'overflowed':
          break;
      }
    }
    for (const id of agents) {
      const s = engine.snapshot(id)!;
      for (const k of ['call', 'chat', 'email'] as const) {
        if (s.load[k] + s.offered[k] > capacity.get(id)![k])
          violations.push(`${id} over ${k} capacity at ${now}`);
      }
    }
  };

  let next = 0;
  const kinds: WorkKind[] = ['chat', 'chat', 'chat', 'email', 'call'];
  for (
    let step = 0;
    step < 4_000 && (next < CONVERSATIONS || working.size > 0 || engine.waitingCount() > 0);
    step++
  ) {
    now += 5_000;
    if (next < CONVERSATIONS && step % 2 === 0) {
      for (let i = 0; i < BURST && next < CONVERSATIONS; i++, next++) {
        apply(
          engine.enqueue({
            conversationId: `c${next}`,
            customerId: `cust${Math.floor(rnd() * 3000)}`,
            queueId: `q${Math.floor(rnd() * TEAMS)}`,
            kind: kinds[next % kinds.length]!,
          }),
        );
      }
    }
    // Agents answer their offers: mostly accept, sometimes decline, sometimes let it time out.
    for (const offer of [...outstanding.values()]) {
      const r = rnd();
      if (r < 0.75) {
        const res = engine.accept(offer.offerId, offer.agentId);
        if (res.ok) apply(res.effects);
      } else if (r < 0.85) apply(engine.decline(offer.offerId, offer.agentId));
    }
    // Finished work frees capacity.
    for (const [id, w] of [...working]) {
      if (w.doneAt <= now) {
        working.delete(id);
        apply(engine.release(id));
      }
    }
    // Now and then an agent drops off the network and (usually) comes back.
    if (rnd() < 0.2) {
      const a = agents[Math.floor(rnd() * agents.length)]!;
      apply(engine.agentDisconnected(a));
      if (rnd() < 0.7) apply(engine.agentConnected(a));
    }
    for (const a of agents) {
      const s = engine.snapshot(a)!;
      if (s.state === 'offline') {
        apply(engine.agentConnected(a));
        apply(engine.setAgentState(a, 'available'));
      }
    }
    apply(engine.tick());
  }
  return { violations, assignedCount, perAgent, waiting: engine.waitingCount(), enqueued: next };
}

describe('routing under concurrency (500 agents, 5,000 conversations in bursts)', () => {
  it('never exceeds capacity, never offers one conversation twice at once, loses nothing', () => {
    for (const seed of [1, 2, 3]) {
      const r = simulate(seed);
      expect(r.violations, `seed ${seed}`).toEqual([]);
      expect(r.enqueued).toBe(CONVERSATIONS);
      expect(r.waiting, `seed ${seed}: conversations still waiting`).toBe(0);
      const never = Array.from({ length: CONVERSATIONS }, (_, i) => `c${i}`).filter(
        (c) => !r.assignedCount.has(c),
      );
      expect(never, `seed ${seed}: never assigned`).toEqual([]);
    }
  });

  it('shares work evenly among equal agents (least-busy: each within ±5% of the mean)', () => {
    let ids = 0;
    const engine = new RoutingEngine({ now: () => 0, newId: () => `o${++ids}` });
    engine.upsertQueue({
      id: 'q',
      teamId: 't',
      strategy: 'least-busy',
      requiredSkills: [],
      offerTimeoutMs: 30_000,
      overflow: null,
    });
    const agents = Array.from({ length: 50 }, (_, i) => `a${i}`);
    for (const a of agents) {
      engine.upsertAgent({ id: a, teamIds: ['t'], skills: [] });
      engine.agentConnected(a);
      engine.setAgentState(a, 'available');
    }
    const count = new Map<string, number>();
    let c = 0;
    /** Accepts every offer among the effects (and those that follow), counting per agent. */
    const acceptAll = (effects: RoutingEffect[], after: (id: string) => RoutingEffect[] = () => []) => {
      const accepted: string[] = [];
      let fx = effects;
      while (fx.some((e) => e.type === 'offer')) {
        const offers = fx.flatMap((e) => (e.type === 'offer' ? [e.offer] : []));
        fx = [];
        for (const o of offers) {
          const r = engine.accept(o.offerId, o.agentId);
          if (!r.ok) continue;
          count.set(o.agentId, (count.get(o.agentId) ?? 0) + 1);
          accepted.push(o.conversationId);
          fx.push(...r.effects, ...after(o.conversationId));
        }
      }
      return accepted;
    };
    for (let burst = 0; burst < 20; burst++) {
      const fx: RoutingEffect[] = [];
      for (let i = 0; i < 250; i++)
        fx.push(
          ...engine.enqueue({ conversationId: `c${c++}`, customerId: null, queueId: 'q', kind: 'chat' }),
        );
      const assigned = acceptAll(fx);
      // Each agent finishes its work; anything offered meanwhile is accepted and finished at once.
      acceptAll(
        assigned.flatMap((id) => engine.release(id)),
        (id) => engine.release(id),
      );
    }
    const total = [...count.values()].reduce((a, b) => a + b, 0);
    expect(total).toBe(5_000);
    const mean = total / agents.length;
    for (const a of agents) {
      expect(count.get(a) ?? 0, a).toBeGreaterThanOrEqual(mean * 0.95);
      expect(count.get(a) ?? 0, a).toBeLessThanOrEqual(mean * 1.05);
    }
  });
});
