import type { DayHistoryRow, SupervisorData } from '../data/supervisorData';

/** What the board marks on a conversation for the day's figures. */
export type DayMarks = {
  /** It waited in a queue unassigned (so it counts as offered to that queue). */
  queued: boolean;
  /** When an agent first took it (a call: when it was answered). */
  answeredAt: number | null;
  resolvedAt: number | null;
  /** Whose it was when it was resolved. */
  resolvedBy: string | null;
  /** The customer left before anyone answered. */
  abandoned: boolean;
  /** The agent whose call in it ended. */
  callEndedBy: string | null;
};

/**
 * Hex prefix of the UUIDv7 ids made at `ms`: fieldChange ids are UUIDv7 of their write time, so
 * `id >= prefix` reads one day's history as a range of the primary key, not the whole table.
 */
export function uuidv7Floor(ms: number): string {
  const h = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}`;
}

/**
 * The day's marks from the field history written since `dayStart` (assignee, status and call
 * changes of conversations), for a relay that starts mid-day: the board then counts what happened
 * before the restart as it would have seen it live.
 */
export async function dayFiguresFromHistory(
  data: Pick<SupervisorData, 'dayHistory'>,
  dayStart: number,
): Promise<Map<string, Partial<DayMarks>>> {
  return dayFiguresOf(await data.dayHistory(uuidv7Floor(dayStart)), dayStart);
}

/** The day's marks from the history rows, taken in the order they were written. */
function dayFiguresOf(history: DayHistoryRow[], dayStart: number): Map<string, Partial<DayMarks>> {
  const rows = history.sort((a, b) => a.at.localeCompare(b.at));
  const out = new Map<string, Partial<DayMarks>>();
  const assignee = new Map<string, string | null>();
  for (const r of rows) {
    const at = Date.parse(r.at);
    if (!Number.isFinite(at)) continue;
    let value: unknown = null;
    try {
      value = r.value === null ? null : JSON.parse(r.value);
    } catch {
      continue;
    }
    const m = out.get(r.conv) ?? {};
    out.set(r.conv, m);
    if (r.field === 'assigneeId') {
      if (value === null) m.queued = true;
      else if (typeof value === 'string' && at >= dayStart && m.queued && m.answeredAt === undefined)
        m.answeredAt = at;
      assignee.set(r.conv, typeof value === 'string' ? value : null);
    } else if (r.field === 'status') {
      if (value === 'resolved' && at >= dayStart) {
        m.resolvedAt = at;
        m.resolvedBy = assignee.get(r.conv) ?? r.author;
      }
    } else if (value && typeof value === 'object') {
      const call = value as { state?: unknown; agentId?: unknown };
      if (call.state === 'queued') m.queued = true;
      if (call.state === 'talking' && m.answeredAt === undefined) m.answeredAt = at;
      if (call.state === 'abandoned') m.abandoned = true;
      if (call.state === 'ended' && typeof call.agentId === 'string') m.callEndedBy = call.agentId;
    }
  }
  return out;
}
