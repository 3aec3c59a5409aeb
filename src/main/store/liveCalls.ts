import type { LiveCallView } from '../../shared/monitoringApi';
import { stmt, type Db } from './statements';

type LiveRow = { id: string; data: string; customerName: string | null; agentName: string | null };

/** Voice conversations in this cache whose call is live with an agent (the cache holds only what this person may see). */
export function liveCalls(db: Db): LiveCallView[] {
  const rows = stmt(
    db,
    `SELECT c.id, c.data, json_extract(cu.data, '$.name') AS customerName, json_extract(a.data, '$.name') AS agentName
       FROM records c
       LEFT JOIN records cu ON cu.entity = 'customer' AND cu.id = c.parent_id AND cu.deleted = 0
       LEFT JOIN records a ON a.entity = 'agent' AND a.id = json_extract(c.data, '$.call.agentId') AND a.deleted = 0
      WHERE c.entity = 'conversation' AND c.deleted = 0 AND json_extract(c.data, '$.channel') = 'voice'
        AND json_extract(c.data, '$.call.state') IN ('talking', 'held')`,
  ).all() as LiveRow[];
  const out: LiveCallView[] = [];
  for (const r of rows) {
    const d = JSON.parse(r.data) as Record<string, unknown>;
    const call = d['call'] as Record<string, unknown>;
    if (typeof call['callId'] !== 'string' || typeof call['agentId'] !== 'string') continue;
    const from = typeof call['from'] === 'string' ? call['from'] : '';
    out.push({
      conversationId: r.id,
      teamId: typeof d['teamId'] === 'string' ? d['teamId'] : null,
      callId: call['callId'],
      state: call['state'] === 'held' ? 'held' : 'talking',
      agentId: call['agentId'],
      agentName: r.agentName ?? '',
      customerName: r.customerName ?? from,
      from,
      since: typeof call['at'] === 'string' ? call['at'] : '',
    });
  }
  return out.sort((a, b) => a.since.localeCompare(b.since));
}
