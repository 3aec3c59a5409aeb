// routing.assignments_per_s: the relay's routing engine alone, in-process. 500 agents in 50 teams
// (least-busy, chat capacity 5), 5,000 chats arriving in bursts of 500; every offer is accepted at
// once and each burst's work is resolved before the next. Prints {"assignments", "ms"} as JSON.
import { performance } from 'node:perf_hooks';
import { RoutingEngine } from '../../src/relay/routing/engine';
import type { RoutingEffect } from '../../src/relay/routing/types';

let ids = 0;
const engine = new RoutingEngine({ now: () => 0, newId: () => `o${++ids}` });
for (let t = 0; t < 50; t++) {
  engine.upsertQueue({
    id: `q${t}`,
    teamId: `t${t}`,
    strategy: 'least-busy',
    requiredSkills: [],
    offerTimeoutMs: 30_000,
    overflow: null,
  });
  for (let i = 0; i < 10; i++) {
    const id = `a${t}-${i}`;
    engine.upsertAgent({ id, teamIds: [`t${t}`], skills: [] });
    engine.agentConnected(id);
    engine.setAgentState(id, 'available');
  }
}

let assignments = 0;
const started = performance.now();
let c = 0;
const drain = (fx: RoutingEffect[], done: string[]) => {
  while (fx.length) {
    const next: RoutingEffect[] = [];
    for (const e of fx) {
      if (e.type !== 'offer') continue;
      const r = engine.accept(e.offer.offerId, e.offer.agentId);
      if (r.ok) {
        assignments++;
        done.push(e.offer.conversationId);
        next.push(...r.effects);
      }
    }
    fx = next;
  }
};
for (let burst = 0; burst < 10; burst++) {
  const done: string[] = [];
  const fx: RoutingEffect[] = [];
  for (let i = 0; i < 500; i++)
    fx.push(
      ...engine.enqueue({ conversationId: `c${c++}`, customerId: null, queueId: `q${c % 50}`, kind: 'chat' }),
    );
  drain(fx, done);
  for (const id of done) drain(engine.release(id), []);
}
process.stdout.write(JSON.stringify({ assignments, ms: performance.now() - started }) + '\n');
