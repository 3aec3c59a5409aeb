import type { TFunction } from 'i18next';
import type { BoardAgent, SupervisorBoard } from '../../../shared/supervisor';

/** "0:07", "12:34", "1:02:03": a duration as a wallboard reads it from across a room. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Milliseconds from an ISO time to `now`; 0 for null or a time in the future (clock skew). */
export function since(iso: string | null, now: number): number {
  if (iso === null) return 0;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? Math.max(0, now - t) : 0;
}

/** "83%", or an en dash before the day's first answered or abandoned customer. */
export function formatPercent(value: number | null): string {
  return value === null ? '–' : `${Math.round(value * 100)}%`;
}

/** What an agent is doing, for the tile's headline: a call beats their status. */
export type AgentActivity = 'disconnected' | 'onCall' | 'held' | 'ringing' | BoardAgent['state'];

export function activityOf(a: BoardAgent): AgentActivity {
  if (!a.connected) return 'disconnected';
  const call = a.calls.find((c) => c.state !== 'ringing') ?? a.calls[0];
  if (call) return call.state === 'held' ? 'held' : call.state === 'ringing' ? 'ringing' : 'onCall';
  return a.state;
}

/** Agents counted by what they do now (the wallboard's summary line). */
export function countByActivity(board: SupervisorBoard): Record<AgentActivity, number> {
  const out: Record<AgentActivity, number> = {
    disconnected: 0,
    onCall: 0,
    held: 0,
    ringing: 0,
    available: 0,
    busy: 0,
    away: 0,
    'after-call-work': 0,
    offline: 0,
  };
  for (const a of board.agents) out[activityOf(a)] += 1;
  return out;
}

/** Totals over every queue of the board, for the wallboard's headline figures. */
export function boardTotals(board: SupervisorBoard) {
  let waiting = 0;
  let longest: string | null = null;
  let answered = 0;
  let inTarget = 0;
  let abandoned = 0;
  let breached = 0;
  let atRisk = 0;
  for (const q of board.queues) {
    waiting += q.waiting;
    if (q.longestWaitSince && (longest === null || q.longestWaitSince < longest))
      longest = q.longestWaitSince;
    answered += q.answeredToday;
    inTarget += q.answeredInTarget;
    abandoned += q.abandonedToday;
    breached += q.slaBreached;
    atRisk += q.slaAtRisk;
  }
  const n = answered + abandoned;
  return {
    waiting,
    longestWaitSince: longest,
    serviceLevel: n === 0 ? null : inTarget / n,
    abandoned,
    breached,
    atRisk,
  };
}

/** An agent's state in words, with the away reason they gave: "Away · Lunch". */
export function stateText(t: TFunction, a: Pick<BoardAgent, 'state' | 'reason'>): string {
  return a.state === 'away' && a.reason
    ? t('agent.awayWith', { reason: t(`agent.reason.${a.reason}`) })
    : t(`agent.${a.state}`);
}
