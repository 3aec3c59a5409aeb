import type { BoardAgent, BoardCall, BoardChat, BoardQueue } from '../../shared/supervisor';
import { workKindOf } from '../routing/types';
import { isWaiting, iso, LIVE_CALL, type CallLive, type ConvLive } from './convLive';
import { agentLive, customerName, inScope, type BoardModel, type BoardScope } from './boardModel';

// How the live board draws one scope's agents and queues from its memory (boardModel.ts), no query.

function boardCall(m: BoardModel, c: ConvLive, call: CallLive): BoardCall {
  const ringing = call.state === 'offered' || call.state === 'ringing';
  return {
    conversationId: c.id,
    customerName: customerName(m, c.customerId),
    state: ringing ? 'ringing' : call.state === 'held' ? 'held' : 'talking',
    since: iso(ringing ? call.at : (c.answeredAt ?? call.at)),
    heldSince: call.state === 'held' ? iso(call.at) : null,
  };
}

function boardChat(m: BoardModel, c: ConvLive): BoardChat {
  return {
    conversationId: c.id,
    customerName: customerName(m, c.customerId),
    channel: c.channel,
    subject: c.subject,
    since: iso(c.assignedAt ?? c.createdAt),
  };
}

/** Chats in the order they started (then by id), as an agent took them on. */
const byStart = (a: ConvLive, b: ConvLive) =>
  a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The scope's agents (admins aside), their state, and an empty list of their live work. */
function agentRows(m: BoardModel, scope: BoardScope): Map<string, BoardAgent> {
  const byId = new Map<string, BoardAgent>();
  for (const p of m.people) {
    const teamIds = p.teams.map((t) => t.id);
    if (p.role === 'admin' || !inScope(scope, teamIds)) continue;
    const a = agentLive(m, p.id);
    byId.set(p.id, {
      id: p.id,
      name: p.name,
      role: p.role,
      teamIds,
      state: a.state,
      reason: a.reason,
      stateSince: iso(a.since),
      connected: a.connected,
      disconnectedSince: a.connected || a.disconnectedSince === null ? null : iso(a.disconnectedSince),
      calls: [],
      chats: [],
      openEmails: 0,
      handledToday: 0,
    });
  }
  return byId;
}

/** The scope's agents with their live calls, chats (by start), open emails and the day's count. */
export function agentsFor(m: BoardModel, scope: BoardScope): BoardAgent[] {
  const byId = agentRows(m, scope);
  const handled = new Map<string, Set<string>>();
  const chats = new Map<BoardAgent, ConvLive[]>();
  const mark = (agentId: string | null, convId: string) => {
    if (!agentId || !byId.has(agentId)) return;
    const s = handled.get(agentId) ?? new Set<string>();
    s.add(convId);
    handled.set(agentId, s);
  };
  for (const c of m.convs.values()) {
    if (c.resolvedAt !== null && c.resolvedAt >= m.dayStart) mark(c.resolvedBy, c.id);
    if (c.callEndedBy) mark(c.callEndedBy, c.id);
    if (c.status === 'resolved') continue;
    const call = c.channel === 'voice' ? c.call : null;
    if (call && LIVE_CALL.has(call.state)) {
      const who =
        call.state === 'offered' || call.state === 'ringing'
          ? call.offeredTo
          : (call.agentId ?? c.assigneeId);
      const a = who ? byId.get(who) : undefined;
      if (a) a.calls.push(boardCall(m, c, call));
      continue;
    }
    const a = c.assigneeId ? byId.get(c.assigneeId) : undefined;
    if (!a || c.channel === 'voice') continue;
    if (workKindOf(c.channel) !== 'chat') a.openEmails += 1;
    else if (chats.has(a)) chats.get(a)!.push(c);
    else chats.set(a, [c]);
  }
  for (const [a, cs] of chats) a.chats = cs.sort(byStart).map((c) => boardChat(m, c));
  for (const [id, s] of handled) byId.get(id)!.handledToday = s.size;
  return [...byId.values()];
}

/** The scope's inboxes as queues, nothing counted yet. */
function queueRows(m: BoardModel, scope: BoardScope): Map<string, BoardQueue> {
  const byInbox = new Map<string, BoardQueue>();
  for (const i of m.inboxes) {
    if (!inScope(scope, [i.team_id])) continue;
    const sec = m.targets[i.channel];
    byInbox.set(i.id, {
      inboxId: i.id,
      name: i.name,
      channel: i.channel,
      teamId: i.team_id,
      waiting: 0,
      longestWaitSince: null,
      offeredToday: 0,
      answeredToday: 0,
      answeredInTarget: 0,
      abandonedToday: 0,
      serviceLevel: null,
      targetMs: sec === undefined ? null : sec * 1000,
      slaAtRisk: 0,
      slaBreached: 0,
    });
  }
  return byInbox;
}

/** Counts one conversation into its queue: the day's offers and answers, waiting, and its SLA. */
function countInto(m: BoardModel, q: BoardQueue, c: ConvLive, now: number): void {
  const waitFrom = c.channel === 'voice' && c.call ? c.call.queuedAt : c.createdAt;
  if (c.queued && c.createdAt >= m.dayStart) {
    q.offeredToday += 1;
    if (c.answeredAt !== null) {
      q.answeredToday += 1;
      if (q.targetMs !== null && c.answeredAt - waitFrom <= q.targetMs) q.answeredInTarget += 1;
    } else if (c.abandoned) q.abandonedToday += 1;
  }
  if (c.status === 'resolved') return;
  if (isWaiting(c)) {
    q.waiting += 1;
    const since = Math.min(waitFrom, c.assignedAt ?? Infinity);
    if (q.longestWaitSince === null || since < Date.parse(q.longestWaitSince))
      q.longestWaitSince = iso(since);
  }
  if (c.slaDueAt !== null && c.status !== 'snoozed') {
    if (c.slaDueAt <= now) q.slaBreached += 1;
    else if (c.slaDueAt - now <= m.atRiskMs) q.slaAtRisk += 1;
  }
}

/** The scope's queues: waiting, the day's figures, service level and SLA counts. */
export function queuesFor(m: BoardModel, scope: BoardScope, now: number): BoardQueue[] {
  const byInbox = queueRows(m, scope);
  for (const c of m.convs.values()) {
    const q = c.inboxId ? byInbox.get(c.inboxId) : undefined;
    if (q) countInto(m, q, c, now);
  }
  for (const q of byInbox.values()) {
    const n = q.answeredToday + q.abandonedToday;
    q.serviceLevel = n === 0 || q.targetMs === null ? null : q.answeredInTarget / n;
  }
  return [...byInbox.values()];
}
