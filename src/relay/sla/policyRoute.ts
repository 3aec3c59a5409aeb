import { slaPolicySchema } from '../../shared/sla/policy';
import { AUDIT } from '../identity/audit';
import { readJson } from '../http/reply';
import {
  auditAs,
  recordInScope,
  scopedRoutes,
  writeSetting,
  type TeamScopedDeps,
} from '../http/teamScopedRoute';
import { RELAY_ROUTES } from '../../shared/relayRoutes';

/**
 * `PUT /v1/admin/inboxes/:id/sla` with an SLA policy (shared/sla/policy.ts), or `null` to remove
 * it: kept on the synced inbox record; conversations that customers start or write in from then on
 * get due times by it (those already set stay). Admins and the inbox team's supervisors; audited.
 * Returns false for other paths.
 */
export function createSlaPolicyRoute(d: TeamScopedDeps) {
  return scopedRoutes(d, [
    {
      route: RELAY_ROUTES.queueSla,
      run: async (req, p, [inboxId]) => {
        // Signed in before anything is looked up; a stranger to the team learns nothing about
        // which inboxes exist.
        recordInScope(d, p, 'inbox', inboxId!, 'Only admins and the supervisors of this team may do this.');
        const sla = await readJson(req, 16 * 1024, slaPolicySchema.nullable());
        writeSetting(d, p, 'inbox', inboxId!, { sla });
        auditAs(d.audit, req, p, AUDIT.SLA_POLICY_CHANGED, inboxId!, { sla });
        return { sla };
      },
    },
  ]);
}
