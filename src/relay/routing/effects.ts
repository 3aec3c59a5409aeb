import type { ConversationData } from '../../shared/sync/entities';
import type { ServerFrame } from '../../shared/sync/protocol';
import type { MovedWhileAway } from '../../shared/routing';
import { writeFields } from '../data/records';
import type { AwayNotices } from './awayNotices';
import type { LiveOffers, RoutingDeps } from './deps';
import type { Offer, RoutingEffect } from './types';

// What the engine's decisions do: offers and withdrawals go to the agents' sockets (or the voice
// queue), assignments and overflows are written with the relay's clock and fanned out like any
// change, and live work moved from an agent gone past the grace leaves them a notice.

/** Applies the engine's effects; `live()` is the voice queue once attached. */
export function createEffects(d: RoutingDeps, notices: AwayNotices, live: () => LiveOffers | null) {
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

  function apply(effects: RoutingEffect[]): void {
    const moved = new Map<string, MovedWhileAway[]>();
    for (const e of effects) {
      switch (e.type) {
        case 'offer':
          if (live()?.onOffer(e.offer)) break;
          d.sendToAgent(e.offer.agentId, offerFrame(d, e.offer));
          break;
        case 'offerWithdrawn':
          if (live()?.onWithdrawn(e.offer)) break;
          d.sendToAgent(e.offer.agentId, { t: 'offerWithdrawn', offerId: e.offer.offerId, reason: e.reason });
          break;
        case 'assigned':
          assign(e.conversationId, e.agentId);
          break;
        case 'requeued': {
          const list = moved.get(e.agentId) ?? [];
          list.push(movedNotice(d, e.conversationId));
          moved.set(e.agentId, list);
          assign(e.conversationId, null);
          break;
        }
        case 'overflowed':
          overflowTo(d, e.conversationId, e.fromQueueId, e.toQueueId);
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

  return { apply, assign };
}

/** The offer frame an agent's app shows: the conversation's channel, subject and customer. */
function offerFrame(d: RoutingDeps, offer: Offer): Extract<ServerFrame, { t: 'offer' }> {
  const conv = d.store.get('conversation', offer.conversationId);
  const data = (conv?.data ?? {}) as Partial<ConversationData>;
  const customer = data.customerId ? d.store.get('customer', data.customerId) : null;
  return {
    t: 'offer',
    offer: {
      offerId: offer.offerId,
      conversationId: offer.conversationId,
      expiresAt: new Date(offer.expiresAt).toISOString(),
      expiresInMs: Math.max(0, offer.expiresAt - d.now()),
      channel: data.channel ?? 'chat',
      subject: data.subject ?? '',
      customerName: typeof customer?.data['name'] === 'string' ? customer.data['name'] : '',
    },
  };
}

/**
 * The engine moved waiting work to another queue: the conversation now belongs to that inbox
 * and its team, written like any change (field history, fan-out), so the new team's agents who
 * are offered it can see it and the old team's view drops it (the store's scope moves).
 */
function overflowTo(d: RoutingDeps, conversationId: string, fromInboxId: string, toInboxId: string): void {
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
function movedNotice(d: RoutingDeps, conversationId: string): MovedWhileAway {
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

export type RoutingEffects = ReturnType<typeof createEffects>;
