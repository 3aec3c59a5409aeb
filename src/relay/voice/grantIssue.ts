import { sign } from 'node:crypto';
import {
  GRANT_PREFIX,
  teamMonitoringOf,
  type GrantClaims,
  type GrantRequest,
  type IssuedGrant,
} from '../../shared/monitoring';
import { uuidv7 } from '../../shared/sync/ids';
import { RELAY_ERR } from '../../shared/sync/protocol';
import { AUDIT } from '../identity/audit';
import { RelayError } from '../core/errors';
import { liveCall, type Asker, type GrantCtx } from './grantContext';
import { sipUserOf } from './settings';

/** Audits a refused request and hands back the error to throw. */
async function refused(
  c: GrantCtx,
  a: Asker,
  target: string | null,
  reason: string,
  err: RelayError,
): Promise<RelayError> {
  await c.audit.record({
    actorId: a.principal.agentId,
    action: AUDIT.MONITORING_REFUSED,
    target,
    detail: { stage: 'issue', reason },
    ip: a.ip,
  });
  return err;
}

/**
 * The live call `r` names, when the asker may monitor it: an admin, or a supervisor of its
 * agent's team, never on their own call. Every refusal is audited.
 */
async function permittedCall(c: GrantCtx, a: Asker, r: GrantRequest) {
  const p = a.principal;
  const asked = r.callConversationId ?? r.callId ?? null;
  const forbidden = () =>
    new RelayError(
      RELAY_ERR.FORBIDDEN,
      'Only admins and the supervisors of the agent’s team may listen to, whisper to or barge into a call.',
    );
  // Agents are refused before anything is looked up: they learn nothing about which calls exist.
  if (p.role === 'agent') throw await refused(c, a, asked, 'role', forbidden());
  const convId = r.callConversationId ?? (await c.data.conversationOfCall(r.callId!));
  const [call, conv] = convId
    ? await Promise.all([liveCall(c, convId), c.store.get('conversation', convId)])
    : [null, null];
  const teamId = (conv?.data['teamId'] as string | null | undefined) ?? null;
  if (!call) {
    // A supervisor of another team gets the same answer for a call that exists as for none.
    if (!conv || !(await c.directory.oversees(p, teamId)))
      throw await refused(c, a, asked, 'not-your-team', forbidden());
    throw await refused(
      c,
      a,
      asked,
      'call-not-live',
      new RelayError(RELAY_ERR.CONFLICT, 'That call is not live with an agent; pick a live call.'),
    );
  }
  const ofTeam = call.teamId !== null && (await c.directory.teamIdsOf(call.agentId)).includes(call.teamId);
  if (!(await c.directory.oversees(p, call.teamId)) || (p.role !== 'admin' && !ofTeam))
    throw await refused(c, a, call.conversationId, 'not-your-team', forbidden());
  if (call.agentId === p.agentId)
    throw await refused(
      c,
      a,
      call.conversationId,
      'own-call',
      new RelayError(RELAY_ERR.VALIDATION, 'You cannot monitor your own call.'),
    );
  return call;
}

/** Both ends' SIP users, or a refusal saying which one an admin must set. */
async function sipUsersOf(c: GrantCtx, a: Asker, call: { agentId: string; conversationId: string }) {
  const p = a.principal;
  const [supervisor, agent] = await Promise.all([
    c.store.get('agent', p.agentId),
    c.store.get('agent', call.agentId),
  ]);
  const supervisorSipUser = sipUserOf(supervisor?.data);
  const agentSipUser = sipUserOf(agent?.data);
  if (!supervisorSipUser || !agentSipUser)
    throw await refused(
      c,
      a,
      call.conversationId,
      'no-sip-user',
      new RelayError(
        RELAY_ERR.VALIDATION,
        supervisorSipUser
          ? 'The agent has no SIP user on the relay; ask an admin to set it (PUT /v1/admin/agents/:id/phone).'
          : 'Your account has no SIP user on the relay; ask an admin to set it (PUT /v1/admin/agents/:id/phone).',
      ),
    );
  return { supervisorSipUser, agentSipUser };
}

/** A signed, recorded and audited grant for the call `r` names, when the asker may monitor it. */
export async function issueGrant(c: GrantCtx, a: Asker, r: GrantRequest): Promise<IssuedGrant> {
  const p = a.principal;
  const call = await permittedCall(c, a, r);
  const { supervisorSipUser, agentSipUser } = await sipUsersOf(c, a, call);
  const [supervisor, team] = await Promise.all([
    c.identity.agentById(p.agentId),
    call.teamId ? c.store.get('team', call.teamId) : null,
  ]);
  const now = c.now();
  const claims: GrantClaims = {
    v: 1,
    id: uuidv7(),
    mode: r.mode,
    supervisorId: p.agentId,
    supervisorSipUser,
    supervisorName: supervisor?.name ?? '',
    agentId: call.agentId,
    agentSipUser,
    conversationId: call.conversationId,
    callId: call.callId,
    agentSees: teamMonitoringOf(team?.data).agentSees,
    issuedAt: now,
    expiresAt: now + c.ttl,
  };
  const signed = `${GRANT_PREFIX}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const grant = `${signed}.${sign(null, Buffer.from(signed), c.key.privateKey).toString('base64url')}`;
  // The grant and its audit line commit together.
  await c.data.transaction(async (tx) => {
    await tx.insertGrant({
      id: claims.id,
      issued_at: now,
      expires_at: claims.expiresAt,
      supervisor_id: p.agentId,
      agent_id: call.agentId,
      conversation_id: call.conversationId,
      call_id: call.callId,
      mode: r.mode,
    });
    await c.audit.record(
      {
        actorId: p.agentId,
        action: AUDIT.MONITORING_GRANTED,
        target: call.conversationId,
        detail: {
          grantId: claims.id,
          agentId: call.agentId,
          callId: call.callId,
          mode: r.mode,
          expiresAt: new Date(claims.expiresAt).toISOString(),
        },
        ip: a.ip,
      },
      tx,
    );
  });
  return { grant, claims };
}
