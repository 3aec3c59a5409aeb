import type { ConversationData } from '../../shared/sync/entities';
import type { ServerFrame } from '../../shared/sync/protocol';
import type { MovedWhileAway } from '../../shared/routing';
import { writeFieldsAsync } from '../data/records';
import type { AwayNotices } from './awayNotices';
import type { LiveOffers, RoutingDeps } from './deps';
import type { Steps } from './steps';
import type { Offer, RoutingEffect } from './types';

// What the engine's decisions do: offers and withdrawals go to the agents' sockets (or the voice
// queue), assignments and overflows are written with the relay's clock in store transactions and
// fanned out like any change, and live work moved from an agent gone past the grace leaves them a
// notice. Effects are applied in the order the engine made them, one after another (steps.ts).

/** Applies the engine's effects; `live()` is the voice queue once attached. */
export function createEffects(
  d: RoutingDeps,
  notices: AwayNotices,
  live: () => LiveOffers | null,
  steps: Steps,
) {
  async function applyOne(e: RoutingEffect, moved: Map<string, MovedWhileAway[]>): Promise<void> {
    switch (e.type) {
      case 'offer':
        if (live()?.onOffer(e.offer)) break;
        d.sendToAgent(e.offer.agentId, await offerFrame(d, e.offer));
        break;
      case 'offerWithdrawn':
        if (live()?.onWithdrawn(e.offer)) break;
        d.sendToAgent(e.offer.agentId, { t: 'offerWithdrawn', offerId: e.offer.offerId, reason: e.reason });
        break;
      case 'assigned':
        await assign(d, e.conversationId, e.agentId);
        break;
      case 'requeued': {
        const list = moved.get(e.agentId) ?? [];
        list.push(await movedNotice(d, e.conversationId));
        moved.set(e.agentId, list);
        await assign(d, e.conversationId, null);
        break;
      }
      case 'overflowed':
        await overflowTo(d, e.conversationId, e.fromQueueId, e.toQueueId);
        break;
      default: {
        const never: never = e;
        d.log.warn({ effect: never }, 'unknown routing effect');
      }
    }
  }

  async function applyNow(effects: readonly RoutingEffect[]): Promise<void> {
    const moved = new Map<string, MovedWhileAway[]>();
    for (const e of effects) {
      try {
        await applyOne(e, moved);
      } catch (err) {
        // One effect failing (a write refused) leaves the others to be done.
        d.log.error({ err, effect: e.type }, 'routing: an effect failed');
      }
    }
    for (const [agentId, list] of moved) {
      await notices.add(agentId, list);
      d.log.info({ agent: agentId, moved: list.length }, 'live work moved from an agent gone past the grace');
    }
  }

  return {
    /** Applies effects after every step asked before (and before every step asked after). */
    apply(effects: readonly RoutingEffect[]): void {
      if (effects.length > 0) steps.run('effects', () => applyNow(effects));
    },
    /** Writes the conversation's assignee, in turn. */
    assign(conversationId: string, agentId: string | null): void {
      steps.run('assignment', () => assign(d, conversationId, agentId));
    },
  };
}

/** Writes the conversation's assignee (null: back in its queue) with the relay's clock. */
async function assign(d: RoutingDeps, conversationId: string, agentId: string | null): Promise<void> {
  const at = new Date(d.now()).toISOString();
  await d.store.transaction((tx) =>
    writeFieldsAsync(
      tx,
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

/** The conversation's data and its customer's name, as an offer or a notice shows them. */
async function shownOf(
  d: RoutingDeps,
  conversationId: string,
): Promise<{ data: Partial<ConversationData>; customerName: string }> {
  const conv = await d.store.get('conversation', conversationId);
  const data = (conv?.data ?? {}) as Partial<ConversationData>;
  const customer = data.customerId ? await d.store.get('customer', data.customerId) : null;
  const name = customer?.data['name'];
  return { data, customerName: typeof name === 'string' ? name : '' };
}

/** The offer frame an agent's app shows: the conversation's channel, subject and customer. */
async function offerFrame(d: RoutingDeps, offer: Offer): Promise<Extract<ServerFrame, { t: 'offer' }>> {
  const { data, customerName } = await shownOf(d, offer.conversationId);
  return {
    t: 'offer',
    offer: {
      offerId: offer.offerId,
      conversationId: offer.conversationId,
      expiresAt: new Date(offer.expiresAt).toISOString(),
      expiresInMs: Math.max(0, offer.expiresAt - d.now()),
      channel: data.channel ?? 'chat',
      subject: data.subject ?? '',
      customerName,
    },
  };
}

/**
 * The engine moved waiting work to another queue: the conversation now belongs to that inbox
 * and its team, written like any change (field history, fan-out), so the new team's agents who
 * are offered it can see it and the old team's view drops it (the store's scope moves).
 */
async function overflowTo(
  d: RoutingDeps,
  conversationId: string,
  fromInboxId: string,
  toInboxId: string,
): Promise<void> {
  const teamId = await d.store.transaction(async (tx) => {
    const target = await tx.get('inbox', toInboxId);
    const team = target?.data['teamId'];
    if (!target || target.deleted || typeof team !== 'string') return null;
    await writeFieldsAsync(
      tx,
      {
        entity: 'conversation',
        id: conversationId,
        fields: { inboxId: toInboxId, teamId: team },
        clock: d.relayClock.now(),
        convId: conversationId,
        at: new Date(d.now()).toISOString(),
      },
      { mutationId: null, agentId: null },
    );
    return team;
  });
  if (teamId === null) {
    d.log.warn({ conversation: conversationId, to: toInboxId }, 'routing: overflow target inbox is gone');
    return;
  }
  d.countOverflow?.();
  d.log.info(
    { conversation: conversationId, from: fromInboxId, to: toInboxId, team: teamId },
    'routing: a waiting conversation overflowed',
  );
}

/** What the agent is told on return about a conversation that moved from them. */
async function movedNotice(d: RoutingDeps, conversationId: string): Promise<MovedWhileAway> {
  const { data, customerName } = await shownOf(d, conversationId);
  return {
    conversationId,
    channel: data.channel === 'voice' ? 'voice' : 'chat',
    customerName,
    subject: data.subject ?? '',
    movedAt: new Date(d.now()).toISOString(),
    reason: 'customer-waiting',
  };
}

export type RoutingEffects = ReturnType<typeof createEffects>;
