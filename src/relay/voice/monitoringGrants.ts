import type { EndRequest, GrantRequest, RedeemRequest } from '../../shared/monitoring';
import { grantContext, type Asker, type MonitoringGrantsDeps } from './grantContext';
import { issueGrant } from './grantIssue';
import { endSession, redeemGrant } from './grantRedeem';

export type { Asker, MonitoringGrantsDeps, MonitoringOptions } from './grantContext';
export { loadMonitoringKey, readGrant } from './monitoringKey';

/**
 * Monitoring grants: `issue` gives a supervisor of the call's team (or an admin) a short-lived
 * grant naming supervisor, agent, call and mode, signed with the relay's key; `redeem` is how the
 * agent's app checks one before it answers (signature, expiry, single use, the agent, the call and
 * the supervisor). Every attempt, granted or refused, is an audit line. [grantTtlMs=30000]
 */
export function createMonitoringGrants(d: MonitoringGrantsDeps) {
  const c = grantContext(d);
  return {
    issue: (a: Asker, r: GrantRequest) => issueGrant(c, a, r),
    redeem: (a: Asker, r: RedeemRequest) => redeemGrant(c, a, r),
    end: (a: Asker, r: EndRequest) => endSession(c, a, r),
    publicKeyPem: c.key.publicKeyPem,
  };
}
export type MonitoringGrants = ReturnType<typeof createMonitoringGrants>;
