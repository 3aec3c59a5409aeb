import type { AgentState, AwayReason } from '../../shared/agentState';
import type { Channel, ConversationStatus } from '../../shared/sync/entities';
import { workKindOf } from '../routing/types';
import type { DayMarks } from './dayHistory';

// What the live board keeps of each conversation and agent, and how a change moves it on.

export type CallLive = {
  state: string;
  at: number;
  queuedAt: number;
  agentId: string | null;
  offeredTo: string | null;
};

/** What the board keeps of a conversation: its scope, its waiting and its day's marks. */
export type ConvLive = {
  id: string;
  inboxId: string | null;
  teamId: string | null;
  channel: Channel;
  status: ConversationStatus;
  assigneeId: string | null;
  customerId: string;
  subject: string;
  createdAt: number;
  slaDueAt: number | null;
  call: CallLive | null;
  /** When the current assignee got it (seen by the relay), else null. */
  assignedAt: number | null;
} & DayMarks;

export type AgentLive = {
  state: AgentState;
  /** The away reason the agent's app told with the state, or null. */
  reason: AwayReason | null;
  since: number;
  connected: boolean;
  disconnectedSince: number | null;
};

export const LIVE_CALL = new Set(['offered', 'ringing', 'talking', 'held']);
const ANSWERED_CALL = new Set(['talking', 'held', 'transferred', 'ended']);
const WAITING_CALL = new Set(['queued', 'offered', 'ringing']);

export const localMidnight = (ms: number): number => {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
};
export const iso = (ms: number) => new Date(ms).toISOString();
export const time = (v: unknown): number | null => {
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isFinite(t) ? t : null;
};

function callOf(v: unknown): CallLive | null {
  if (!v || typeof v !== 'object') return null;
  const c = v as Record<string, unknown>;
  const at = time(c['at']);
  if (typeof c['state'] !== 'string' || at === null) return null;
  return {
    state: c['state'],
    at,
    queuedAt: time(c['queuedAt']) ?? at,
    agentId: typeof c['agentId'] === 'string' ? c['agentId'] : null,
    offeredTo: typeof c['offeredTo'] === 'string' ? c['offeredTo'] : null,
  };
}

/**
 * A conversation's new state as the board keeps it, carrying over what the board saw before
 * (`prev`) and marking the day's events it sees happen now (`at`): answered, resolved, abandoned.
 */
export function nextConv(
  prev: ConvLive | undefined,
  id: string,
  data: Record<string, unknown>,
  at: number,
): ConvLive {
  const channel = data['channel'] as Channel;
  const status = (data['status'] as ConversationStatus | undefined) ?? 'open';
  const assigneeId = typeof data['assigneeId'] === 'string' ? data['assigneeId'] : null;
  const createdAt = time(data['createdAt']) ?? at;
  const call = callOf(data['call']);
  const c: ConvLive = {
    id,
    inboxId: typeof data['inboxId'] === 'string' ? data['inboxId'] : null,
    teamId: typeof data['teamId'] === 'string' ? data['teamId'] : null,
    channel,
    status,
    assigneeId,
    customerId: typeof data['customerId'] === 'string' ? data['customerId'] : '',
    subject: typeof data['subject'] === 'string' ? data['subject'] : '',
    createdAt,
    slaDueAt: time(data['slaDueAt']),
    call,
    assignedAt: assigneeId && prev?.assigneeId === assigneeId ? prev.assignedAt : assigneeId ? at : null,
    queued: prev ? prev.queued : assigneeId === null,
    answeredAt: prev?.answeredAt ?? null,
    resolvedAt: prev?.resolvedAt ?? null,
    resolvedBy: prev?.resolvedBy ?? null,
    abandoned: prev?.abandoned ?? false,
    callEndedBy: prev?.callEndedBy ?? null,
  };
  if (channel === 'voice' && call) {
    if (c.answeredAt === null && ANSWERED_CALL.has(call.state))
      c.answeredAt = call.state === 'talking' ? call.at : at;
    if (call.state === 'abandoned') c.abandoned = true;
    if (call.state === 'ended' && call.agentId && c.callEndedBy === null) c.callEndedBy = call.agentId;
  } else if (c.answeredAt === null && assigneeId && c.queued) c.answeredAt = at;
  if (status === 'resolved' && prev?.status !== 'resolved' && prev) {
    c.resolvedAt = at;
    c.resolvedBy = prev.assigneeId ?? assigneeId;
    if (leftUnanswered(c)) c.abandoned = true;
  }
  return c;
}

/** A chat closed before anyone took it: its customer left unanswered (calls say so in their state). */
export function leftUnanswered(c: ConvLive): boolean {
  return (
    c.resolvedAt !== null &&
    c.channel !== 'voice' &&
    c.queued &&
    c.answeredAt === null &&
    workKindOf(c.channel) === 'chat'
  );
}

/** Waiting for an agent: open or pending, nobody assigned, or a call still ringing in the queue. */
export function isWaiting(c: ConvLive): boolean {
  if (c.status !== 'open' && c.status !== 'pending') return false;
  if (c.channel === 'voice' && c.call && WAITING_CALL.has(c.call.state)) return true;
  return c.assigneeId === null && c.inboxId !== null;
}
