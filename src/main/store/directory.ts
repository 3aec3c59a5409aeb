import { stmt, type Db } from './statements';

export type Directory = {
  teams: { id: string; name: string }[];
  agents: { id: string; name: string; teamIds: string[] }[];
};

/** Teams and agents as synced (names and team membership only), for transfer and @mentions. */
export function directory(db: Db): Directory {
  const rows = stmt(
    db,
    "SELECT entity, id, data FROM records WHERE entity IN ('team', 'agent') AND data IS NOT NULL AND deleted = 0",
  ).all() as { entity: 'team' | 'agent'; id: string; data: string }[];
  const teams: Directory['teams'] = [];
  const agents: Directory['agents'] = [];
  for (const r of rows) {
    const d = JSON.parse(r.data) as { name?: unknown; teamIds?: unknown };
    const name = typeof d.name === 'string' ? d.name : '';
    if (r.entity === 'team') teams.push({ id: r.id, name });
    else agents.push({ id: r.id, name, teamIds: Array.isArray(d.teamIds) ? (d.teamIds as string[]) : [] });
  }
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  return { teams: teams.sort(byName), agents: agents.sort(byName) };
}
