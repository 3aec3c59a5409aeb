import type { AgentState } from '../../shared/agentState';
import type { Channel, ConversationData } from '../../shared/sync/entities';
import type { HlcClock } from '../../shared/sync/hlc';
import type { ServerFrame } from '../../shared/sync/protocol';
import type { Accounts } from '../identity/accounts';
import type { Database } from '../data/db';
import type { Logger } from '../core/logger';
import { writeFields } from '../data/records';
import type { Commit, Store } from '../data/store';
import { capacityOf, queueRoutingOf, teamRoutingSchema, type MovedWhileAway } from '../../shared/routing';
import { createAwayNotices } from './awayNotices';
import { RoutingEngine, type RoutingOptions } from './engine';
import { workKindOf, type Offer, type RoutingEffect, type WorkItem } from './types';
import { guarded } from '../core/guard';

export type RoutingDeps = {
  db: Database;
  store: Store;
  accounts: Accounts;
  relayClock: HlcClock;
  log: Logger;
  now: () => number;
  /** Sends a frame to every live connection of an agent. */
  sendToAgent: (agentId: string, frame: ServerFrame) => void;
  /** Offer timeout per queue. Default 30 s. */
  offerTimeoutMs?: number;
  /**
   * Whether the web chat visitor of this conversation is connected now (the chat is live).
   * Default: never (then no chat moves when its agent's connection drops).
   */
  visitorConnected?: (conversationId: string) => boolean;
  engine?: Pick<RoutingOptions, 'disconnectGraceMs' | 'declineCooldownMs'>;
  /** Counts a conversation moved by its queue's overflow (for `/metrics`). */
  countOverflow?: () => void;
};

export type RoutingService = ReturnType<typeof createRoutingService>;

/**
 * Work whose offers are not frames on the agent's socket: a live call's offer rings the agent's
 * phone through the SIP server instead (src/relay/voice). Each returns true when it took the offer.
 */
export type LiveOffers = {
  onOffer(offer: Offer): boolean;
  onWithdrawn(offer: Offer): boolean;
};

/**
 * The relay's routing: one queue per inbox (its team, least-busy), agents as they connect, and
 * conversations offered to one agent at a time. Applies the engine's decisions: offers and
 * withdrawals go to the agents' sockets; an accepted offer becomes the conversation's assignee,
 * written with the relay's clock and fanned out like any change.
 */
/** A conversation as routing work: its queue (inbox) and kind; null when it has no inbox to queue in. */
function workItemOf(conversationId: string, data: Partial<ConversationData>): WorkItem | null {
  if (!data.inboxId || !data.channel) return null;
  return {
    conversationId,
    customerId: data.customerId ?? null,
    queueId: data.inboxId,
    kind: workKindOf(data.channel),
  };
}

export function createRoutingService(d: RoutingDeps) {
  const ringing = d.db
    .prepare<[string], number>(
      `SELECT 1 FROM records WHERE entity = 'call' AND conv_id = ? AND deleted = 0
         AND json_extract(data, '$.endedAt') IS NULL AND json_extract(data, '$.answeredAt') IS NULL LIMIT 1`,
    )
    .pluck();
  /**
   * Is the customer of this live work still there, waiting? A web chat: its visitor is connected.
   * A call: it has a call that nobody answered and that has not ended (an answered call's audio
   * runs between the agent and the phone server, not through this connection, so it stays).
   * Messaging apps (SMS, WhatsApp, WeChat) are async, like email: they never move on a drop.
   */
  function customerWaiting(item: WorkItem): boolean {
    const data = d.store.get('conversation', item.conversationId)?.data as
      Partial<ConversationData> | undefined;
    if (!data || data.status === 'resolved') return false;
    if (data.channel === 'chat') return d.visitorConnected?.(item.conversationId) ?? false;
    if (data.channel === 'voice') return ringing.get(item.conversationId) !== undefined;
    return false;
  }
  // A live call's overflow is the voice queue's (its phone settings): it moves the conversation
  // itself, so the queue's overflow leaving it alone means it never moves twice.
  const ownOverflow = (item: WorkItem) =>
    item.kind === 'call' && ringing.get(item.conversationId) !== undefined;
  const engine = new RoutingEngine({ now: d.now, customerWaiting, ownOverflow, ...d.engine });
  const inboxes = d.db.prepare<[], { id: string; team_id: string; channel: Channel }>(
    'SELECT id, team_id, channel FROM inboxes',
  );
  const knownAgents = new Set<string>();
  let live: LiveOffers | null = null;
  const notices = createAwayNotices(d.db);

  function loadQueues(): void {
    for (const i of inboxes.all()) {
      const r = queueRoutingOf(d.store.get('inbox', i.id)?.data);
      // The team's grace when it set one; otherwise the engine's default.
      const team = teamRoutingSchema.safeParse(d.store.get('team', i.team_id)?.data['routing']);
      engine.upsertQueue({
        id: i.id,
        teamId: i.team_id,
        strategy: r.strategy,
        requiredSkills: r.requiredSkills,
        offerTimeoutMs: d.offerTimeoutMs ?? r.offerTimeoutMs,
        overflow: r.overflow ? { afterMs: r.overflow.afterMs, toQueueId: r.overflow.toInboxId } : null,
        ...(team.success ? { awayGraceMs: team.data.awayGraceMs } : {}),
      });
    }
  }

  function ensureAgent(agentId: string): void {
    const a = d.accounts.agentById(agentId);
    if (!a) return;
    const view = d.accounts.publicAgent(agentId);
    const capacity = capacityOf(d.store.get('agent', agentId)?.data);
    engine.upsertAgent({ id: agentId, teamIds: view.teamIds, skills: view.skills, capacity });
    knownAgents.add(agentId);
  }

  function assign(conversationId: string, agentId: string | null): void {
    const at = new Date(d.now()).toISOString();
    d.store.transaction(() =>
      writeFields(
        d.store,
        {
          entity: 'conversation',
          id: conversationId,
          fields: { assigneeId: agentId },
          clock: d.relayClock.now(),
          convId: conversationId,
          at,
        },
        { mutationId: null, agentId: null },
      ),
    );
  }

  /**
   * The engine moved waiting work to another queue: the conversation now belongs to that inbox
   * and its team, written like any change (field history, fan-out), so the new team's agents who
   * are offered it can see it and the old team's view drops it (the store's scope moves).
   */
  function overflowTo(conversationId: string, fromInboxId: string, toInboxId: string): void {
    const target = d.store.get('inbox', toInboxId);
    const teamId = target?.data['teamId'];
    if (!target || target.deleted || typeof teamId !== 'string') {
      d.log.warn({ conversation: conversationId, to: toInboxId }, 'routing: overflow target inbox is gone');
      return;
    }
    const at = new Date(d.now()).toISOString();
    d.store.transaction(() =>
      writeFields(
        d.store,
        {
          entity: 'conversation',
          id: conversationId,
          fields: { inboxId: toInboxId, teamId },
          clock: d.relayClock.now(),
          convId: conversationId,
          at,
        },
        { mutationId: null, agentId: null },
      ),
    );
    d.countOverflow?.();
    d.log.info(
      { conversation: conversationId, from: fromInboxId, to: toInboxId, team: teamId },
      'routing: a waiting conversation overflowed',
    );
  }

  /** What the agent is told on return about a conversation that moved from them. */
  function movedNotice(conversationId: string): MovedWhileAway {
    const data = (d.store.get('conversation', conversationId)?.data ?? {}) as Partial<ConversationData>;
    const customer = data.customerId ? d.store.get('customer', data.customerId) : null;
    return {
      conversationId,
      channel: data.channel === 'voice' ? 'voice' : 'chat',
      customerName: typeof customer?.data['name'] === 'string' ? customer.data['name'] : '',
      subject: data.subject ?? '',
      movedAt: new Date(d.now()).toISOString(),
      reason: 'customer-waiting',
    };
  }

  function apply(effects: RoutingEffect[]): void {
    const moved = new Map<string, MovedWhileAway[]>();
    for (const e of effects) {
      switch (e.type) {
        case 'offer': {
          if (live?.onOffer(e.offer)) break;
          const conv = d.store.get('conversation', e.offer.conversationId);
          const data = (conv?.data ?? {}) as Partial<ConversationData>;
          const customer = data.customerId ? d.store.get('customer', data.customerId) : null;
          d.sendToAgent(e.offer.agentId, {
            t: 'offer',
            offer: {
              offerId: e.offer.offerId,
              conversationId: e.offer.conversationId,
              expiresAt: new Date(e.offer.expiresAt).toISOString(),
              expiresInMs: Math.max(0, e.offer.expiresAt - d.now()),
              channel: data.channel ?? 'chat',
              subject: data.subject ?? '',
              customerName: typeof customer?.data['name'] === 'string' ? customer.data['name'] : '',
            },
          });
          break;
        }
        case 'offerWithdrawn':
          if (live?.onWithdrawn(e.offer)) break;
          d.sendToAgent(e.offer.agentId, { t: 'offerWithdrawn', offerId: e.offer.offerId, reason: e.reason });
          break;
        case 'assigned':
          assign(e.conversationId, e.agentId);
          break;
        case 'requeued': {
          const list = moved.get(e.agentId) ?? [];
          list.push(movedNotice(e.conversationId));
          moved.set(e.agentId, list);
          assign(e.conversationId, null);
          break;
        }
        case 'overflowed':
          overflowTo(e.conversationId, e.fromQueueId, e.toQueueId);
          break;
        default: {
          const never: never = e;
          d.log.warn({ effect: never }, 'unknown routing effect');
        }
      }
    }
    for (const [agentId, list] of moved) {
      notices.add(agentId, list);
      d.log.info({ agent: agentId, moved: list.length }, 'live work moved from an agent gone past the grace');
    }
  }

  /**
   * Routing state lives in memory; the conversations are in the store. After a (re)start, put it
   * back: every assigned, unresolved conversation counts against its agent's capacity again and
   * stays theirs as if they had just dropped: async work whatever happens, live work until their
   * team's grace (counted from the start) ends and then only if its customer still waits; every
   * unassigned open or pending one waits in its queue again, oldest first. Without this a restart
   * would forget the queue and let agents go over capacity.
   */
  function recover(): void {
    const rows = d.db
      .prepare<[], { id: string; data: string }>(
        `SELECT id, data FROM records WHERE entity = 'conversation' AND deleted = 0
           AND json_extract(data, '$.status') <> 'resolved'`,
      )
      .all();
    const convs = rows
      .map((r) => ({ id: r.id, data: JSON.parse(r.data) as Partial<ConversationData> }))
      .sort((a, b) => String(a.data.createdAt).localeCompare(String(b.data.createdAt)));
    const assignees = new Set<string>();
    for (const c of convs) {
      const item = workItemOf(c.id, c.data);
      if (!item) continue;
      if (c.data.assigneeId) {
        if (!assignees.has(c.data.assigneeId)) {
          if (!knownAgents.has(c.data.assigneeId)) ensureAgent(c.data.assigneeId);
          // Before any tick: the grace starts now, not at "disconnected since forever".
          engine.awaitReturn(c.data.assigneeId);
          assignees.add(c.data.assigneeId);
        }
        engine.enqueue(item, c.data.assigneeId);
      } else if (c.data.status === 'open' || c.data.status === 'pending') {
        apply(engine.enqueue(item));
      }
    }
    if (convs.length > 0)
      d.log.info({ conversations: convs.length, agents: assignees.size }, 'routing recovered');
  }

  const timer = setInterval(
    guarded(d.log, 'routing tick', () => apply(engine.tick())),
    1_000,
  );
  timer.unref();
  loadQueues();
  recover();

  return {
    /**
     * A conversation that needs an agent (new from a channel, or back in the queue). One that has
     * an agent (a resolved one its customer reopened) counts against them again; the engine
     * counts a conversation it already holds once.
     */
    enqueue(conversationId: string): void {
      const conv = d.store.get('conversation', conversationId);
      const data = conv?.data as Partial<ConversationData> | undefined;
      const item = data ? workItemOf(conversationId, data) : null;
      if (!item) return;
      loadQueues();
      if (data?.assigneeId) {
        if (!knownAgents.has(data.assigneeId)) ensureAgent(data.assigneeId);
        apply(engine.enqueue(item, data.assigneeId));
      } else apply(engine.enqueue(item));
    },
    agentConnected(agentId: string): void {
      if (!knownAgents.has(agentId)) ensureAgent(agentId);
      apply(engine.agentConnected(agentId));
      // Told on every connection until the app says it was seen: a notice survives reconnects.
      const moved = notices.list(agentId);
      if (moved.length > 0) d.sendToAgent(agentId, { t: 'movedWhileAway', moved });
    },
    /** A web chat visitor reconnected: if their agent is gone past the grace, the chat moves now. */
    customerReturned(conversationId: string): void {
      apply(engine.customerReturned(conversationId));
    },
    /** The agent saw what moved while they were away, up to that time. */
    movedSeen(agentId: string, upTo: string): void {
      notices.seen(agentId, upTo);
    },
    agentDisconnected(agentId: string): void {
      apply(engine.agentDisconnected(agentId));
    },
    setPresence(agentId: string, state: AgentState): void {
      if (!knownAgents.has(agentId)) ensureAgent(agentId);
      apply(engine.setAgentState(agentId, state));
    },
    /** The agent's answer to an offer; false when the offer is gone (expired, withdrawn, not theirs). */
    reply(agentId: string, offerId: string, accept: boolean): boolean {
      if (!accept) {
        apply(engine.decline(offerId, agentId));
        return true;
      }
      const r = engine.accept(offerId, agentId);
      if (!r.ok) return false;
      apply(r.effects);
      return true;
    },
    /** Hears each commit (store.onCommit): a resolved conversation frees its agent; a transfer is offered again. */
    onCommit({ changes, routingRequests }: Commit): void {
      // Transfers: free the old assignee, then offer in the new queue if nobody was named.
      for (const id of routingRequests) {
        apply(engine.release(id));
        const conv = d.store.get('conversation', id);
        if (conv && !conv.data['assigneeId']) this.enqueue(id);
        else if (conv?.data['assigneeId']) {
          const item = workItemOf(id, conv.data as Partial<ConversationData>);
          if (item) apply(engine.enqueue(item, String(conv.data['assigneeId'])));
        }
      }
      for (const c of changes) {
        // Routing settings live on inbox and agent records: take edits at once.
        if (c.entity === 'inbox' || c.entity === 'team') loadQueues();
        if (c.entity === 'agent' && knownAgents.has(c.id)) ensureAgent(c.id);
        if (c.entity !== 'conversation' || !c.data) continue;
        const status = c.data['status'];
        if (status === 'resolved' || c.deleted) apply(engine.release(c.id));
      }
    },
    /** Resolved or closed: stops counting against its agent. */
    release(conversationId: string): void {
      apply(engine.release(conversationId));
    },
    queuePosition: (conversationId: string) => engine.queuePosition(conversationId),
    /** Plugs in the voice queue (set once at start). */
    attachLiveOffers(l: LiveOffers): void {
      live = l;
    },
    /** An agent took live work whose offer had been withdrawn meanwhile (answered a ringing phone). */
    assignLive(conversationId: string, agentId: string): void {
      const conv = d.store.get('conversation', conversationId);
      const item = conv ? workItemOf(conversationId, conv.data as Partial<ConversationData>) : null;
      if (!item) return;
      if (!knownAgents.has(agentId)) ensureAgent(agentId);
      apply(engine.release(conversationId));
      apply(engine.enqueue(item, agentId));
      assign(conversationId, agentId);
    },
    /** Whether an agent who could take the inbox's conversations is there (web chat's offline form). */
    isStaffed(inboxId: string): boolean {
      if (engine.isStaffed(inboxId)) return true;
      loadQueues(); // an inbox made since the last load
      return engine.isStaffed(inboxId);
    },
    close(): void {
      clearInterval(timer);
    },
  };
}
