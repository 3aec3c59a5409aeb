import type { AuditFilters, PersonView } from '../../shared/adminApi';
import type { CallArgs, CallResult } from '../../shared/api';
import { jsonRequest, relayJson, relayOk, type RelayFetch } from './relayRequests';

const person = (agentId: string) => `/v1/admin/agents/${encodeURIComponent(agentId)}`;

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
    const { people } = await this.json<{ people: PersonView[] }>('GET', '/v1/admin/agents');
    const { teams } = await this.json<{ teams: { id: string; name: string }[] }>('GET', '/v1/admin/teams');
    return { people, teams: teams.map((t) => ({ id: t.id, name: t.name })) };
  }

  async createPerson(a: CallArgs<'admin:createPerson'>): Promise<PersonView> {
    const { id } = await this.json<{ id: string }>('POST', '/v1/admin/agents', a);
    return this.json<PersonView>('GET', person(id));
  }

  setDisabled({ agentId, disabled, reason }: CallArgs<'admin:setDisabled'>): Promise<PersonView> {
    return this.json<PersonView>(
      'POST',
      `${person(agentId)}/${disabled ? 'disable' : 'enable'}`,
      disabled ? { reason: reason ?? 'Disabled by an admin.' } : undefined,
    );
  }

  async resetPassword(agentId: string): Promise<{ temporaryPassword: string }> {
    const r = await this.json<{ temporaryPassword: string }>('POST', `${person(agentId)}/password`, {});
    return { temporaryPassword: r.temporaryPassword };
  }

  setRole({ agentId, role }: CallArgs<'admin:setRole'>): Promise<PersonView> {
    return this.json<PersonView>('PUT', `${person(agentId)}/role`, { role });
  }

  setTeams({ agentId, teamIds }: CallArgs<'admin:setTeams'>): Promise<PersonView> {
    return this.json<PersonView>('PUT', `${person(agentId)}/teams`, { teamIds });
  }

  audit(f: CallArgs<'admin:audit'>): Promise<CallResult<'admin:audit'>> {
    return this.json('GET', `/v1/admin/audit?${auditQuery(f, 100)}`);
  }

  async auditCsv(f: CallArgs<'admin:auditCsv'>): Promise<{ name: string; csv: string }> {
    const res = await relayOk(this.relay, `/v1/admin/audit.csv?${auditQuery(f, 1000)}`, jsonRequest('GET'));
    const day = new Date().toISOString().slice(0, 10);
    return { name: `switchboard-audit-${day}.csv`, csv: await res.text() };
  }

  private json<T>(method: string, path: string, body?: unknown): Promise<T> {
    return relayJson<T>(this.relay, method, path, body);
  }
}
