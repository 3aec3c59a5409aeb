import type { AgentState } from '../../shared/agentState';
import type { ConversationData } from '../../shared/sync/entities';
import type { Commit } from '../data/store';
import { guarded } from '../core/guard';
import { createAwayNotices, type AwayNotices } from './awayNotices';
import type { LiveOffers, RoutingDeps } from './deps';
import { createEffects, type RoutingEffects } from './effects';
import { RoutingEngine } from './engine';
import { createEngineFeed, customerPresence, workItemOf, type EngineFeed } from './fromStore';
import { createRoutingModel, type RoutingModel } from './model';
import { recoverRouting } from './recovery';
import { createSteps, type Steps } from './steps';

export type { LiveOffers, RoutingDeps } from './deps';

export type RoutingService = ReturnType<typeof createRoutingService>;

/**
 * The relay's routing: one queue per inbox (its team, least-busy), agents as they connect, and
 * conversations offered to one agent at a time, only in the queues this relay holds the lease of
 * (`d.leases`). Applies the engine's decisions: offers and withdrawals go to the agents' sockets;
 * an accepted offer becomes the conversation's assignee, written with the relay's clock through
 * the asynchronous store and fanned out like any change. Its state is rebuilt at start from the
 * store (model.ts, recovery.ts) and kept current from commits (`onCommit`). The engine answers at
 * once (queue positions, staffing, an offer's answer); what needs the store (writes, the reads
 * behind a frame) runs in order behind it (steps.ts; `settled()` waits for it). Ticks every second.
 */
export function createRoutingService(d: RoutingDeps) {
  const r = newRouting(d);
  const timer = tickEverySecond(r);
  start(r);
  return {
    ...conversationEvents(r),
    ...agentEvents(r),
    ...leaseEvents(r),
    /** Plugs in the voice queue (set once at start). */
    attachLiveOffers(l: LiveOffers): void {
      r.live = l;
    },
    /** Resolves once the start's load and every write and frame asked so far are done. */
    settled: (): Promise<void> => untilSettled(r.steps),
    close(): void {
      r.closed = true;
      clearInterval(timer);
    },
  };
}

/**
 * What the service's handlers share: the engine, the model and feed it is told from, its effects,
 * the line of asynchronous steps, and where the service is: `ready` once the start's load is
 * over, `live` the voice queue once attached, `closed` once closed.
 */
type Routing = {
  d: RoutingDeps;
  engine: RoutingEngine;
  model: RoutingModel;
  feed: EngineFeed;
  notices: AwayNotices;
  steps: Steps;
  live: LiveOffers | null;
  ready: boolean;
  closed: boolean;
} & RoutingEffects;

/** The service's parts, not started: an empty model, an engine that holds nothing yet. */
function newRouting(d: RoutingDeps): Routing {
  const model = createRoutingModel();
  const engine = new RoutingEngine({
    now: d.now,
    ...customerPresence(d, model),
    owns: (queueId) => d.leases.owns(queueId),
    ...d.engine,
  });
  const feed = createEngineFeed(d, model, engine);
  const steps = createSteps(d.log);
  const notices = createAwayNotices(d.data);
  const r: Routing = {
    d,
    engine,
    model,
    feed,
    notices,
    steps,
    live: null,
    ready: false,
    closed: false,
    ...createEffects(d, notices, () => r.live, steps),
  };
  return r;
}

/** Applies the engine's tick every second once ready (offers expire, graces end, long waits overflow). */
function tickEverySecond(r: Routing): NodeJS.Timeout {
  const timer = setInterval(
    guarded(r.d.log, 'routing tick', () => {
      if (r.ready) r.apply(r.engine.tick());
    }),
    1_000,
  );
  timer.unref();
  return timer;
}

/**
 * Loads the model, tells the engine the queues, recovers the open work, then takes the queues'
 * leases; the service is ready from then on. While the store cannot be read this is tried again
 * every second (until closed), and routing offers nothing.
 */
function start(r: Routing): void {
  const { d, engine, model, feed, steps } = r;
  steps.run('start', async () => {
    let recovered;
    try {
      await model.load(d);
      feed.loadQueues();
      recovered = await recoverRouting(d, engine, feed, model);
    } catch (err) {
      d.log.error({ err }, 'routing: loading the queues and open conversations failed; trying again');
      if (!r.closed) setTimeout(() => start(r), 1_000).unref();
      return;
    }
    r.apply(recovered);
    r.ready = true;
    // The queues are known now: take their leases (routing offers only in queues it holds).
    await d.leases.round();
  });
}

/** Resolves once every step asked so far is over, and every step those steps asked. */
async function untilSettled(steps: Steps): Promise<void> {
  for (let tail = steps.idle(); ;) {
    await tail;
    const next = steps.idle();
    if (next === tail) return;
    tail = next;
  }
}

/** Runs an engine call now once the model is loaded; before that, in turn after the load. */
function whenReady(r: Routing, what: string, fn: () => void): void {
  if (r.ready) fn();
  else r.steps.run(what, fn);
}

/** Like whenReady, and first reads the agent when the engine has not heard of them. */
function withAgent(r: Routing, agentId: string, what: string, fn: () => void): void {
  if (r.ready && r.feed.isKnown(agentId)) fn();
  else
    r.steps.run(what, async () => {
      await r.feed.know(agentId);
      fn();
    });
}

/** Acts on a conversation's data: from the model, or read from the store when the model has none. */
function withConversation(r: Routing, id: string, fn: (data: Partial<ConversationData>) => void): void {
  const data = r.model.conversation(id);
  if (data) return whenReady(r, 'conversation', () => fn(data));
  r.steps.run('conversation read', async () => {
    const rec = await r.d.store.get('conversation', id);
    if (rec && !rec.deleted) fn(rec.data as Partial<ConversationData>);
  });
}

/**
 * A conversation that needs an agent (new from a channel, or back in the queue). One that has
 * an agent (a resolved one its customer reopened) counts against them again; the engine
 * counts a conversation it already holds once.
 */
function enqueue(r: Routing, conversationId: string): void {
  withConversation(r, conversationId, (data) => {
    const item = workItemOf(conversationId, data);
    if (!item) return;
    const assignee = data.assigneeId;
    if (assignee) withAgent(r, assignee, 'enqueue', () => r.apply(r.engine.enqueue(item, assignee)));
    else r.apply(r.engine.enqueue(item));
  });
}

/** Transfers: free the old assignee, then offer in the new queue if nobody was named. */
function transferred(r: Routing, id: string): void {
  whenReady(r, 'transfer', () => r.apply(r.engine.release(id)));
  withConversation(r, id, (data) => {
    const assignee = data.assigneeId;
    if (!assignee) return enqueue(r, id);
    const item = workItemOf(id, data);
    if (item) withAgent(r, assignee, 'transfer', () => r.apply(r.engine.enqueue(item, assignee)));
  });
}

/** What happens to conversations: queued, transferred, resolved, taken live; where they wait. */
function conversationEvents(r: Routing) {
  const { d, engine, model, feed, steps, apply, assign } = r;
  return {
    enqueue: (conversationId: string): void => enqueue(r, conversationId),
    /**
     * Hears each commit (store.onCommit): the model takes it; a resolved conversation frees its
     * agent; a transfer is offered again; routing settings (inbox, team, agent records) are
     * taken at once. Before the start's load is over only the model takes it (the load's
     * recovery then starts from what it says).
     */
    onCommit({ changes, routingRequests }: Commit): void {
      const newQueue = changes.some((c) => c.entity === 'inbox' && !model.hasQueue(c.id));
      const kinds = changes.map((c) => model.take(c));
      if (!r.ready) return;
      for (const id of routingRequests) transferred(r, id);
      if (kinds.includes('queue')) feed.loadQueues();
      if (newQueue) steps.run('lease round', () => d.leases.round());
      changes.forEach((c, i) => {
        if (kinds[i] === 'agent' && feed.isKnown(c.id))
          steps.run('agent', async () => void (await feed.ensureAgent(c.id)));
        if (c.entity !== 'conversation' || !c.data) return;
        if (c.data['status'] === 'resolved' || c.deleted) apply(engine.release(c.id));
      });
    },
    /** Resolved or closed: stops counting against its agent. */
    release(conversationId: string): void {
      whenReady(r, 'release', () => apply(engine.release(conversationId)));
    },
    queuePosition: (conversationId: string) => engine.queuePosition(conversationId),
    /** An agent took live work whose offer had been withdrawn meanwhile (answered a ringing phone). */
    assignLive(conversationId: string, agentId: string): void {
      withConversation(r, conversationId, (data) => {
        const item = workItemOf(conversationId, data);
        if (!item) return;
        withAgent(r, agentId, 'live assignment', () => {
          apply(engine.release(conversationId));
          apply(engine.enqueue(item, agentId));
          assign(conversationId, agentId);
        });
      });
    },
    /** Whether an agent who could take the inbox's conversations is there (web chat's offline form). */
    isStaffed: (inboxId: string): boolean => engine.isStaffed(inboxId),
  };
}

/** What agents do: connect and drop, set their presence, answer offers, see what moved. */
function agentEvents(r: Routing) {
  const { d, engine, notices, steps, apply } = r;
  return {
    agentConnected(agentId: string): void {
      withAgent(r, agentId, 'connect', () => {
        apply(engine.agentConnected(agentId));
        // Told on every connection until the app says it was seen: a notice survives reconnects.
        steps.run('away notices', async () => {
          const moved = await notices.list(agentId);
          if (moved.length > 0) d.sendToAgent(agentId, { t: 'movedWhileAway', moved });
        });
      });
    },
    /** A web chat visitor reconnected: if their agent is gone past the grace, the chat moves now. */
    customerReturned(conversationId: string): void {
      whenReady(r, 'customer returned', () => apply(engine.customerReturned(conversationId)));
    },
    /** The agent saw what moved while they were away, up to that time. */
    movedSeen(agentId: string, upTo: string): void {
      steps.run('away notices seen', () => notices.seen(agentId, upTo));
    },
    agentDisconnected(agentId: string): void {
      withAgent(r, agentId, 'disconnect', () => apply(engine.agentDisconnected(agentId)));
    },
    setPresence(agentId: string, state: AgentState): void {
      withAgent(r, agentId, 'presence', () => apply(engine.setAgentState(agentId, state)));
    },
    /** The agent's answer to an offer; false when the offer is gone (expired, withdrawn, not theirs). */
    reply(agentId: string, offerId: string, accept: boolean): boolean {
      if (!accept) {
        whenReady(r, 'decline', () => apply(engine.decline(offerId, agentId)));
        return true;
      }
      const res = engine.accept(offerId, agentId);
      if (!res.ok) return false;
      apply(res.effects);
      return true;
    },
  };
}

/** The queues this relay routes: which there are, and what it gained or lost of their leases. */
function leaseEvents(r: Routing) {
  const { d, engine, model, feed, steps, apply } = r;
  const everHeld = new Set<string>();
  return {
    /** The queues routing knows (one per inbox), for the lease keeper's rounds. */
    queueIds: (): string[] => model.queues().map((q) => q.inboxId),
    /**
     * The lease keeper's news. A lost queue's offers are withdrawn (its new owner offers its
     * work). A gained queue's work is read from the store again (another relay may have changed
     * it while it held the queue) and waits in the engine again, then is offered.
     */
    leasesChanged({ gained, lost }: { gained: readonly string[]; lost: readonly string[] }): void {
      if (lost.length > 0) whenReady(r, 'lost queues', () => lost.forEach((q) => apply(engine.queueLost(q))));
      if (gained.length === 0) return;
      const again = gained.filter((q) => everHeld.has(q));
      for (const q of gained) everHeld.add(q);
      steps.run('gained queues', async () => {
        if (!r.ready) return; // the start's load recovers every queue
        await model.loadWork(d);
        // Held before and held by another since: what the store says now replaces what the engine kept.
        for (const q of again)
          for (const id of engine.itemsIn(q)) {
            const data = model.conversation(id);
            if (!data || (data.assigneeId ?? null) !== engine.assigneeOf(id)) apply(engine.release(id));
          }
        apply(await recoverRouting(d, engine, feed, model, new Set(gained)));
        apply(engine.tick());
      });
    },
  };
}
