import type { AuditFilters, PersonView } from '../../shared/adminApi';
import type { CallArgs, CallResult } from '../../shared/api';
import { jsonRequest, relayJson, relayOk, type RelayFetch } from './relayRequests';
import { RELAY_ROUTES as R, routePath, type RouteResponse } from '../../shared/relayRoutes';

/** The audit log's query string: the filters that are set, and a page of `limit` lines. */
function auditQuery(f: AuditFilters & { cursor?: number | undefined }, limit: number): string {
  const q = new URLSearchParams({ limit: String(limit) });
  for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== '') q.set(k, String(v));
  return q.toString();
}

/**
 * People and the audit log for admins: every call goes to the relay with the signed-in person's
 * token (the relay decides who may, and audits), so all of it needs the network; nothing here is
 * cached.
 */
export class AdminService {
  constructor(private readonly relay: RelayFetch) {}

  async listPeople(): Promise<CallResult<'admin:listPeople'>> {
    const { people } = await this.json<RouteResponse<typeof R.people>>('GET', R.people.pattern);
    const { teams } = await this.json<RouteResponse<typeof R.teams>>('GET', R.teams.pattern);
    return { people, teams: teams.map((t) => ({ id: t.id, name: t.name })) };
  }

  async createPerson(a: CallArgs<'admin:createPerson'>): Promise<PersonView> {
    const { id } = await this.json<RouteResponse<typeof R.createAgent>>('POST', R.createAgent.pattern, a);
    return this.json<PersonView>('GET', routePath(R.person, { agentId: id }));
  }

  setDisabled({ agentId, disabled, reason }: CallArgs<'admin:setDisabled'>): Promise<PersonView> {
    return this.json<PersonView>(
      'POST',
      routePath(disabled ? R.disableAgent : R.enableAgent, { agentId }),
      disabled ? { reason: reason ?? 'Disabled by an admin.' } : undefined,
    );
  }

  async resetPassword(agentId: string): Promise<{ temporaryPassword: string }> {
    const r = await this.json<{ temporaryPassword: string }>(
      'POST',
      routePath(R.resetPassword, { agentId }),
      {},
    );
    return { temporaryPassword: r.temporaryPassword };
  }

  setRole({ agentId, role }: CallArgs<'admin:setRole'>): Promise<PersonView> {
    return this.json<PersonView>('PUT', routePath(R.setRole, { agentId }), { role });
  }

  setTeams({ agentId, teamIds }: CallArgs<'admin:setTeams'>): Promise<PersonView> {
    return this.json<PersonView>('PUT', routePath(R.setTeams, { agentId }), { teamIds });
  }

  audit(f: CallArgs<'admin:audit'>): Promise<CallResult<'admin:audit'>> {
    return this.json('GET', routePath(R.audit, {}, auditQuery(f, 100)));
  }

  async auditCsv(f: CallArgs<'admin:auditCsv'>): Promise<{ name: string; csv: string }> {
    const path = routePath(R.auditCsv, {}, auditQuery(f, 1000));
    const res = await relayOk(this.relay, path, jsonRequest('GET'));
    const day = new Date().toISOString().slice(0, 10);
    return { name: `switchboard-audit-${day}.csv`, csv: await res.text() };
  }

  private json<T>(method: string, path: string, body?: unknown): Promise<T> {
    return relayJson<T>(this.relay, method, path, body);
  }
}
