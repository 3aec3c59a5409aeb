import type { TeamSettingsView } from '../../shared/api';
import { DEFAULT_RECORDING_POLICY, recordingPolicySchema } from '../../shared/recording';
import { capacityOf, queueRoutingOf, skillsOf, teamRoutingOf } from '../../shared/routing';
import { teamMonitoringOf } from '../../shared/monitoring';
import { slaPolicyOf } from '../../shared/sla/policy';
import { CHANNELS, ROLES, type Channel, type Role } from '../../shared/sync/entities';
import { stmt, type Db } from './statements';

type Row = { entity: 'team' | 'inbox' | 'agent'; id: string; data: string };

const text = (v: unknown) => (typeof v === 'string' ? v : '');
const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

/**
 * Team settings as this cache holds them: teams (only `teamIds` when given; all otherwise) with
 * their recording policy, inboxes and members, and every inbox (overflow targets). Stored settings
 * are parsed; malformed or absent ones read as the defaults, as the relay reads them.
 */
export function teamSettings(
  db: Db,
  teamIds: readonly string[] | null,
): { teams: TeamSettingsView[]; inboxes: { id: string; name: string; teamId: string }[] } {
  const rows = stmt(
    db,
    "SELECT entity, id, data FROM records WHERE entity IN ('team', 'inbox', 'agent') AND data IS NOT NULL AND deleted = 0",
  ).all() as Row[];
  const teams: TeamSettingsView[] = [];
  const inboxes: (TeamSettingsView['inboxes'][number] & { teamId: string })[] = [];
  const agents: (TeamSettingsView['members'][number] & { teamIds: string[] })[] = [];
  for (const r of rows) {
    const d = JSON.parse(r.data) as Record<string, unknown>;
    if (r.entity === 'team') {
      const p = recordingPolicySchema.safeParse(d['recording']);
      teams.push({
        id: r.id,
        name: text(d['name']),
        recording: p.success ? p.data : DEFAULT_RECORDING_POLICY,
        routing: teamRoutingOf(d),
        monitoring: teamMonitoringOf(d),
        inboxes: [],
        members: [],
      });
    } else if (r.entity === 'inbox') {
      const channel = d['channel'];
      inboxes.push({
        id: r.id,
        name: text(d['name']),
        teamId: text(d['teamId']),
        channel: (CHANNELS as readonly unknown[]).includes(channel) ? (channel as Channel) : 'api',
        routing: queueRoutingOf(d),
        sla: slaPolicyOf(d),
      });
    } else {
      const role = d['role'];
      agents.push({
        id: r.id,
        name: text(d['name']),
        role: (ROLES as readonly unknown[]).includes(role) ? (role as Role) : 'agent',
        teamIds: Array.isArray(d['teamIds'])
          ? (d['teamIds'] as unknown[]).filter((t) => typeof t === 'string')
          : [],
        skills: skillsOf(d),
        capacity: capacityOf(d),
      });
    }
  }
  const wanted = teamIds ? new Set(teamIds) : null;
  const shown = teams.filter((t) => !wanted || wanted.has(t.id)).sort(byName);
  for (const t of shown) {
    t.inboxes = inboxes
      .filter((i) => i.teamId === t.id)
      .sort(byName)
      .map((i) => ({ id: i.id, name: i.name, channel: i.channel, routing: i.routing, sla: i.sla }));
    t.members = agents
      .filter((a) => a.teamIds.includes(t.id))
      .sort(byName)
      .map((a) => ({ id: a.id, name: a.name, role: a.role, skills: a.skills, capacity: a.capacity }));
  }
  return {
    teams: shown,
    inboxes: inboxes.sort(byName).map((i) => ({ id: i.id, name: i.name, teamId: i.teamId })),
  };
}
