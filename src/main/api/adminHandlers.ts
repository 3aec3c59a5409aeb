import type { AuditFilters, PersonView } from '../../shared/adminApi';
import type { CallArgs, CallResult } from '../../shared/api';
import type { CallChannel } from '../../shared/channels';
import { LOCAL_ERR, LocalError } from '../store/errors';
import type { WorkspaceService } from '../services/workspaceService';

type AdminChannel = Extract<CallChannel, `admin:${string}` | `account:${string}`>;
export type AdminHandlers = {
  [C in AdminChannel]: (args: CallArgs<C>) => CallResult<C> | Promise<CallResult<C>>;
};

/**
 * People and the audit log for admins, and one's own password: every call goes to the relay with
 * the signed-in person's token (the relay decides who may, and audits), so all of it needs the
 * network; nothing here is cached.
 */
export function createAdminHandlers(w: WorkspaceService): AdminHandlers {
  async function relay(method: string, path: string, body?: unknown): Promise<Response> {
    const res = await w.relayFetch(path, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)) }),
    });
    if (res.ok) return res;
    const answer = (await res.json().catch(() => null)) as { error?: { message?: unknown } } | null;
    const message = answer?.error?.message;
    throw new LocalError(
      res.status === 401 ? LOCAL_ERR.AUTH_FAILED : LOCAL_ERR.INVALID_MUTATION,
      typeof message === 'string' ? message : `The server answered ${res.status}.`,
    );
  }
  const json = async <T>(method: string, path: string, body?: unknown) =>
    (await (await relay(method, path, body)).json()) as T;
  const person = (agentId: string) => `/v1/admin/agents/${encodeURIComponent(agentId)}`;
  const query = (f: AuditFilters & { cursor?: number | undefined }, limit: number) => {
    const q = new URLSearchParams({ limit: String(limit) });
    for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== '') q.set(k, String(v));
    return q.toString();
  };

  return {
    'account:changePassword': ({ currentPassword, newPassword }) =>
      w.changePassword(currentPassword, newPassword),
    'admin:listPeople': async () => {
      const { people } = await json<{ people: PersonView[] }>('GET', '/v1/admin/agents');
      const { teams } = await json<{ teams: { id: string; name: string }[] }>('GET', '/v1/admin/teams');
      return { people, teams: teams.map((t) => ({ id: t.id, name: t.name })) };
    },
    'admin:createPerson': async (a) => {
      const { id } = await json<{ id: string }>('POST', '/v1/admin/agents', a);
      return json<PersonView>('GET', person(id));
    },
    'admin:setDisabled': ({ agentId, disabled, reason }) =>
      json<PersonView>(
        'POST',
        `${person(agentId)}/${disabled ? 'disable' : 'enable'}`,
        disabled ? { reason: reason ?? 'Disabled by an admin.' } : undefined,
      ),
    'admin:resetPassword': async ({ agentId }) => {
      const r = await json<{ temporaryPassword: string }>('POST', `${person(agentId)}/password`, {});
      return { temporaryPassword: r.temporaryPassword };
    },
    'admin:setRole': ({ agentId, role }) => json<PersonView>('PUT', `${person(agentId)}/role`, { role }),
    'admin:setTeams': ({ agentId, teamIds }) =>
      json<PersonView>('PUT', `${person(agentId)}/teams`, { teamIds }),
    'admin:audit': (f) => json('GET', `/v1/admin/audit?${query(f, 100)}`),
    'admin:auditCsv': async (f) => {
      const res = await relay('GET', `/v1/admin/audit.csv?${query(f, 1000)}`);
      const day = new Date().toISOString().slice(0, 10);
      return { name: `switchboard-audit-${day}.csv`, csv: await res.text() };
    },
  };
}
