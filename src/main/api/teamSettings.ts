import type { CallArgs, CallResult } from '../../shared/api';
import type { CallChannel } from '../../shared/channels';
import type { RecordingPolicy } from '../../shared/recording';
import { capacityOf, skillsOf, type QueueRouting, type TeamRouting } from '../../shared/routing';
import { LOCAL_ERR, LocalError } from '../store/errors';
import { teamSettings } from '../store/teams';
import type { WorkspaceService } from '../services/workspaceService';

type TeamsChannel = Extract<CallChannel, `teams:${string}`>;
export type TeamSettingsHandlers = {
  [C in TeamsChannel]: (args: CallArgs<C>) => CallResult<C> | Promise<CallResult<C>>;
};

/**
 * Team settings (call recording, queues, agents' skills and capacity) for supervisors and admins:
 * read from the synced records in the cache, so they show offline; saved on the relay with the
 * agent's token (the relay decides who may), and back through sync like any change.
 */
export function createTeamSettingsHandlers(w: WorkspaceService): TeamSettingsHandlers {
  const put = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
    const res = await w.relayFetch(path, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify(body)),
    });
    const answer = (await res.json().catch(() => null)) as Record<string, unknown> | null;
    if (!res.ok || !answer) {
      const message = (answer?.['error'] as { message?: unknown } | undefined)?.message;
      throw new LocalError(
        res.status === 401 ? LOCAL_ERR.AUTH_FAILED : LOCAL_ERR.INVALID_MUTATION,
        typeof message === 'string' ? message : `The server answered ${res.status}.`,
      );
    }
    return answer;
  };
  const id = encodeURIComponent;
  return {
    'teams:getSettings': () => {
      const s = w.requireStore();
      const agent = s.identity()?.agent;
      if (agent?.role === 'admin') return teamSettings(s.db, null);
      if (agent?.role === 'supervisor') return teamSettings(s.db, agent.teamIds);
      return { teams: [], inboxes: [] };
    },
    'teams:setRecording': async ({ teamId, policy }) =>
      (await put(`/v1/admin/teams/${id(teamId)}/recording`, policy)) as RecordingPolicy,
    'teams:setAwayGrace': async ({ teamId, routing }) =>
      (await put(`/v1/admin/teams/${id(teamId)}/routing`, routing)) as TeamRouting,
    'teams:setQueueRouting': async ({ inboxId, routing }) => {
      const inbox = await put(`/v1/admin/inboxes/${id(inboxId)}/routing`, routing);
      return inbox['routing'] as QueueRouting;
    },
    'teams:setAgentRouting': async ({ agentId, routing }) => {
      const agent = await put(`/v1/admin/agents/${id(agentId)}/routing`, routing);
      return { skills: skillsOf(agent), capacity: capacityOf(agent) };
    },
  };
}
