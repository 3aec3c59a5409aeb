import type { MovedWhileAway } from '../../shared/routing';
import type { BoardAccessLost, SupervisorBoard, SupervisorNotice } from '../../shared/supervisor';
import type { OfferView, ServerFrame } from '../../shared/sync/protocol';

/** Routing news for this agent: work offered, an offer gone, the answer to an accept. */
export type RoutingEvent =
  | { type: 'offer'; offer: OfferView }
  | { type: 'withdrawn'; offerId: string; reason: string }
  | { type: 'result'; offerId: string; assigned: boolean }
  | { type: 'typing'; conversationId: string; on: boolean }
  /** Live work that moved to colleagues while this agent was offline (until sendMovedSeen). */
  | { type: 'moved'; moved: MovedWhileAway[] };

/** The supervisor's live board (pushed while watching), and what supervisors did to this agent. */
export type SupervisionEvent =
  | { type: 'board'; board: SupervisorBoard }
  | { type: 'notice'; notice: SupervisorNotice }
  /** The board lost some or all of its scope (see the `boardAccessLost` frame). */
  | { type: 'accessLost'; lost: BoardAccessLost };

/**
 * The routing news a frame carries, or null for a frame of another kind (sync, errors). An offer's
 * `expiresAt` is rebased on this machine's clock (`now`) from the time it had left when sent, so the
 * countdown the agent sees is right however far this clock is from the relay's.
 */
export function routingEventOf(f: ServerFrame, now = Date.now()): RoutingEvent | null {
  switch (f.t) {
    case 'offer':
      return {
        type: 'offer',
        offer: { ...f.offer, expiresAt: new Date(now + f.offer.expiresInMs).toISOString() },
      };
    case 'offerWithdrawn':
      return { type: 'withdrawn', offerId: f.offerId, reason: f.reason };
    case 'offerResult':
      return { type: 'result', offerId: f.offerId, assigned: f.assigned };
    case 'typing':
      return { type: 'typing', conversationId: f.conversationId, on: f.on };
    case 'movedWhileAway':
      return { type: 'moved', moved: f.moved };
    default:
      return null;
  }
}
