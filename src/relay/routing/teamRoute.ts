import { teamRoutingSchema } from '../../shared/routing';
import { AUDIT } from '../identity/audit';
import { readJson } from '../http/reply';
import {
  auditAs,
  requireOverseer,
  scopedRoutes,
  writeSetting,
  type TeamScopedDeps,
} from '../http/teamScopedRoute';
import { RELAY_ROUTES } from '../../shared/relayRoutes';

/**
 * `PUT /v1/admin/teams/:id/routing` with `{awayGraceMs}`: how long the team's live work (a chat
 * whose visitor is connected, a call still ringing) waits for an agent whose connection dropped
 * before it goes to a colleague (30 s to 1 h). Admins and the team's supervisors; kept on the
 * synced team record, as the recording policy is. Returns false for other paths.
 */
export function createTeamRoutingRoute(d: TeamScopedDeps) {
  return scopedRoutes(d, [
    {
      route: RELAY_ROUTES.teamRouting,
      run: async (req, p, [teamId]) => {
        d.accounts.requireTeam(teamId!);
        requireOverseer(d.accounts, p, teamId!);
        const routing = await readJson(req, 4 * 1024, teamRoutingSchema);
        writeSetting(d, p, 'team', teamId!, { routing });
        auditAs(d.audit, req, p, AUDIT.TEAM_ROUTING_CHANGED, teamId!, { routing });
        return routing;
      },
    },
  ]);
}
