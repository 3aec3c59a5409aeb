import type { MovedWhileAway } from '../../shared/routing';
import type { OfferView } from '../../shared/sync/protocol';
import type { EventHub } from '../base/events';
import type { RoutingEvent, SyncClient } from '../sync/syncClient';

/**
 * What the relay says live to the signed-in agent, kept for the UI: work offered now, and live work
 * that moved to colleagues while the agent was offline. Answers go back on the socket only (never
 * queued: an offer expires and goes to someone else).
 */
export class LiveWork {
  /** Work the relay offers this agent now, by offer id. */
  private readonly offers = new Map<string, OfferView>();
  /** What the relay last said moved to colleagues while this agent was offline (until dismissed). */
  private moved: MovedWhileAway[] = [];
  /** The newest dismissal, so a dismissal made offline still hides the relay's next copy. */
  private movedSeenUpTo = '';

  constructor(
    private readonly events: EventHub,
    /** The session's sync client, null when signed out. */
    private readonly client: () => SyncClient | null,
  ) {}

  /** Forgets everything (the session closed). */
  clear(): void {
    this.offers.clear();
    this.moved = [];
    this.movedSeenUpTo = '';
  }

  /** Current offers, oldest first. */
  listOffers(): OfferView[] {
    return [...this.offers.values()];
  }

  /** Live work that moved to colleagues while this agent was offline, oldest first. */
  listMovedWhileAway(): MovedWhileAway[] {
    return this.moved;
  }

  /**
   * The agent read the notice: hidden here at once; the relay forgets it when told (now, or on the
   * next connection's notice, which is dismissed again if still older than `upTo`).
   */
  dismissMovedWhileAway(upTo: string): { sent: boolean } {
    this.moved = this.moved.filter((m) => m.movedAt > upTo);
    this.movedSeenUpTo = upTo > this.movedSeenUpTo ? upTo : this.movedSeenUpTo;
    this.events.emit('inbox:movedWhileAway', this.moved);
    return { sent: this.client()?.sendMovedSeen(upTo) ?? false };
  }

  /** Accepts or declines an offer; false when offline (it will go to someone else). */
  replyOffer(offerId: string, accept: boolean): { sent: boolean } {
    const sent = this.client()?.replyOffer(offerId, accept) ?? false;
    if (sent && !accept) this.dropOffer(offerId);
    return { sent };
  }

  /** Takes the sync client's routing news. */
  onRouting(e: RoutingEvent): void {
    if (e.type === 'typing') {
      this.events.emit('inbox:typing', { conversationId: e.conversationId, on: e.on });
      return;
    }
    if (e.type === 'moved') {
      // Dismissed offline: the relay did not hear it, so say it again and show only what is newer.
      if (this.movedSeenUpTo && e.moved.some((m) => m.movedAt <= this.movedSeenUpTo))
        this.client()?.sendMovedSeen(this.movedSeenUpTo);
      this.moved = e.moved.filter((m) => m.movedAt > this.movedSeenUpTo);
      this.events.emit('inbox:movedWhileAway', this.moved);
      return;
    }
    if (e.type === 'offer') {
      this.offers.set(e.offer.offerId, e.offer);
      this.events.emit('inbox:offersChanged', this.listOffers());
    } else this.dropOffer(e.offerId);
  }

  private dropOffer(offerId: string): void {
    if (this.offers.delete(offerId)) this.events.emit('inbox:offersChanged', this.listOffers());
  }
}
