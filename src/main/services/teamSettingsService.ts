import type { CallArgs, CallResult } from '../../shared/api';
import type { RecordingPolicy } from '../../shared/recording';
import type { TeamMonitoring } from '../../shared/monitoring';
import { capacityOf, skillsOf, type QueueRouting, type TeamRouting } from '../../shared/routing';
import type { LocalStore } from '../store/localStore';
import { teamSettings } from '../store/teams';
import { answerOf, jsonRequest, refusalOf, relayJson, type RelayFetch } from './relayRequests';
import type { SlaPolicy } from '../../shared/sla/policy';
import { RELAY_ROUTES as R, routePath, type InboxWebhookView } from '../../shared/relayRoutes';

/**
 * Team settings (call recording, queues, agents' skills and capacity) for supervisors and admins:
 * read from the synced records in the cache, so they show offline; saved on the relay with the
 * agent's token (the relay decides who may), and back through sync like any change.
 */
export class TeamSettingsService {
  constructor(private readonly o: { store: () => LocalStore; relay: RelayFetch }) {}

  /** The teams this agent may manage: all for admins, their own for supervisors, none for agents. */
  get(): CallResult<'teams:getSettings'> {
    const s = this.o.store();
    const agent = s.identity()?.agent;
    if (agent?.role === 'admin') return teamSettings(s.db, null);
    if (agent?.role === 'supervisor') return teamSettings(s.db, agent.teamIds);
    return { teams: [], inboxes: [] };
  }

  async setRecording({ teamId, policy }: CallArgs<'teams:setRecording'>): Promise<RecordingPolicy> {
    return (await this.put(routePath(R.teamRecording, { teamId }), policy)) as RecordingPolicy;
  }

  async setAwayGrace({ teamId, routing }: CallArgs<'teams:setAwayGrace'>): Promise<TeamRouting> {
    return (await this.put(routePath(R.teamRouting, { teamId }), routing)) as TeamRouting;
  }

  async setMonitoring({ teamId, monitoring }: CallArgs<'teams:setMonitoring'>): Promise<TeamMonitoring> {
    return (await this.put(routePath(R.teamMonitoring, { teamId }), monitoring)) as TeamMonitoring;
  }

  async setQueueRouting({ inboxId, routing }: CallArgs<'teams:setQueueRouting'>): Promise<QueueRouting> {
    const inbox = await this.put(routePath(R.queueRouting, { inboxId }), routing);
    return inbox['routing'] as QueueRouting;
  }

  async setSlaPolicy({ inboxId, sla }: CallArgs<'teams:setSlaPolicy'>): Promise<{ sla: SlaPolicy | null }> {
    const r = await this.put(routePath(R.queueSla, { inboxId }), sla);
    return { sla: (r['sla'] as SlaPolicy | null | undefined) ?? null };
  }

  /** The inbox's webhook on the relay, or null when it has none (the relay answers 404). */
  async getWebhook({ inboxId }: CallArgs<'teams:getWebhook'>): Promise<CallResult<'teams:getWebhook'>> {
    const res = await this.o.relay(routePath(R.inboxWebhook, { inboxId }), jsonRequest('GET'));
    if (res.status === 404) return { webhook: null };
    const answer = await answerOf<InboxWebhookView>(res);
    if (!res.ok || answer === null) throw refusalOf(res.status, answer);
    return { webhook: answer };
  }

  /** Tested by the relay before it is saved: a failed test is its refusal, in the receiver's words. */
  async setWebhook({
    inboxId,
    url,
    secret,
  }: CallArgs<'teams:setWebhook'>): Promise<CallResult<'teams:setWebhook'>> {
    const body = secret === undefined ? { url } : { url, secret };
    return relayJson(this.o.relay, 'PUT', routePath(R.setInboxWebhook, { inboxId }), body);
  }

  async removeWebhook({
    inboxId,
  }: CallArgs<'teams:removeWebhook'>): Promise<CallResult<'teams:removeWebhook'>> {
    return relayJson(this.o.relay, 'DELETE', routePath(R.removeInboxWebhook, { inboxId }));
  }

  async setAgentRouting({
    agentId,
    routing,
  }: CallArgs<'teams:setAgentRouting'>): Promise<CallResult<'teams:setAgentRouting'>> {
    const agent = await this.put(routePath(R.agentRouting, { agentId }), routing);
    return { skills: skillsOf(agent), capacity: capacityOf(agent) };
  }

  private put(path: string, body: unknown): Promise<Record<string, unknown>> {
    return relayJson<Record<string, unknown>>(this.o.relay, 'PUT', path, body);
  }
}
