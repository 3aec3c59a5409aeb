import type { AgentState } from '../../shared/agentState';
import type { CallArgs, CallResult } from '../../shared/api';
import type { BoardAccess, SupervisorBoard, SupervisorNotice } from '../../shared/supervisor';
import type { EventHub } from '../base/events';
import type { SupervisionEvent, SyncClient } from '../sync/syncClient';
import { RELAY_ROUTES as R, routePath, type ParamsOf, type RelayRoute } from '../../shared/relayRoutes';
import { relayJson, type RelayFetch } from './relayRequests';

export type SupervisorServiceOptions = {
  events: EventHub;
  /** Requests to the relay with the signed-in person's token (the actions). */
  relay: RelayFetch;
  /** Sets this agent's own state (a supervisor set it, or logged them out of routing). */
  setOwnState: (state: AgentState) => void;
  /** Notices kept until dismissed; the oldest go first. Default 50. */
  maxNotices?: number;
};

/**
 * The supervisor's desk in main: whether this app watches the live board (kept across reconnects,
 * said to every new sync client), the last board the relay pushed, the actions (sent to the relay
 * with the person's token: it checks scope and audits, so they need the network), and the notices
 * supervisors sent this agent. A status a supervisor set becomes the agent's own state here, so
 * the app tells the relay the same from then on. [maxNotices=50]
 */
export class SupervisorService {
  private board: SupervisorBoard | null = null;
  /** What the board lost last while watched (kept for a view opened later), or null. */
  private lost: BoardAccess | null = null;
  private notices: SupervisorNotice[] = [];
  /** Ids of notices shown in this app's run (live or caught up), so none is shown twice. */
  private readonly shown = new Set<string>();
  private client: SyncClient | null = null;
  private watching = false;
  private readonly max: number;

  constructor(private readonly o: SupervisorServiceOptions) {
    this.max = o.maxNotices ?? 50;
  }

  /** A new sync client (sign-in, reopen): returns what detaches it. */
  attach(client: SyncClient): () => void {
    this.client = client;
    const off = client.onSupervision((e) => this.onEvent(e));
    if (this.watching) client.watchBoard(true);
    return () => {
      off();
      if (this.client === client) this.client = null;
      this.board = null;
      this.lost = null;
      this.notices = [];
    };
  }

  watch(on: boolean): { watching: boolean; board: SupervisorBoard | null; accessLost: BoardAccess | null } {
    this.watching = on;
    this.client?.watchBoard(on);
    if (!on) {
      this.board = null;
      this.lost = null;
    }
    return { watching: on, board: this.board, accessLost: this.lost };
  }

  setStatus({
    agentId,
    state,
    reason,
  }: CallArgs<'supervisor:setStatus'>): Promise<CallResult<'supervisor:setStatus'>> {
    return send(this.o.relay, R.supervisorStatus, { agentId }, { state, reason });
  }

  logout({ agentId, reason }: CallArgs<'supervisor:logout'>): Promise<CallResult<'supervisor:logout'>> {
    return send(this.o.relay, R.supervisorLogout, { agentId }, { reason });
  }

  assign(a: CallArgs<'supervisor:assign'>): Promise<CallResult<'supervisor:assign'>> {
    const body = a.take
      ? { take: true as const, reason: a.reason }
      : { toAgentId: a.toAgentId, reason: a.reason };
    return send(this.o.relay, R.supervisorAssign, { conversationId: a.conversationId }, body);
  }

  whisper({
    conversationId,
    body,
  }: CallArgs<'supervisor:whisper'>): Promise<CallResult<'supervisor:whisper'>> {
    return send(this.o.relay, R.supervisorWhisper, { conversationId }, { body });
  }

  listNotices(): SupervisorNotice[] {
    return [...this.notices];
  }

  dismiss(id: string): { dismissed: boolean } {
    const before = this.notices.length;
    this.notices = this.notices.filter((n) => n.id !== id);
    if (this.notices.length !== before) this.o.events.emit('supervisor:notices', this.listNotices());
    return { dismissed: this.notices.length !== before };
  }

  private onEvent(e: SupervisionEvent): void {
    if (e.type === 'board') {
      if (!this.watching) return;
      this.board = e.board;
      this.o.events.emit('supervisor:board', e.board);
      return;
    }
    if (e.type === 'accessLost') {
      if (!this.watching) return;
      this.lost = { ...e.lost, at: new Date().toISOString() };
      // No scope left: the relay ended the watch, so the last board is no longer the truth.
      if (e.lost.ended) this.board = null;
      this.o.events.emit('supervisor:accessLost', this.lost);
      return;
    }
    const n = e.notice;
    if (n.kind === 'status') this.o.setOwnState(n.state);
    if (n.kind === 'loggedOut') this.o.setOwnState('offline');
    this.show(n);
  }

  /**
   * A whisper whose note arrived by sync (this app was offline or closed when it was written):
   * shown like a live one, unless it was shown already.
   */
  caughtUp(n: SupervisorNotice): void {
    this.show(n);
  }

  private show(n: SupervisorNotice): void {
    if (this.shown.has(n.id)) return;
    this.shown.add(n.id);
    if (this.shown.size > SHOWN_KEPT) this.shown.delete(this.shown.values().next().value!);
    this.notices = [...this.notices, n].slice(-this.max);
    this.o.events.emit('supervisor:notices', this.listNotices());
  }
}

/** How many shown notice ids are remembered (the oldest are forgotten first). */
const SHOWN_KEPT = 1000;

/** One of the supervisor's actions, sent to the relay as `route` declares it. */
function send<P extends string, Q, S>(
  relay: RelayFetch,
  route: RelayRoute<P, Q, S>,
  params: Record<ParamsOf<P>, string>,
  body: Q,
): Promise<S> {
  return relayJson(relay, route.method, routePath(route, params), body);
}
