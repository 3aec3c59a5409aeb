import {
  type EndRequest,
  type EndResult,
  type GrantClaims,
  type GrantRefusal,
  type RedeemRequest,
} from '../../shared/monitoring';
import { RELAY_ERR } from '../../shared/sync/protocol';
import { AUDIT } from '../identity/audit';
import { RelayError } from '../core/errors';
import { liveCall, type Asker, type GrantCtx } from './grantContext';
import { readGrant } from './monitoringKey';

const HUMAN: Record<GrantRefusal, string> = {
  malformed: 'it is not a monitoring grant',
  forged: 'its signature is not the relay’s',
  expired: 'it has expired; ask for a new one',
  replayed: 'it was used already; each grant joins one call once',
  unknown: 'the relay never issued it',
  'not-for-you': 'it names another agent',
  'call-not-live': 'the call it names is not live',
  'wrong-call': 'it names another call',
  'wrong-supervisor': 'the call does not come from the supervisor it names',
  'wrong-session': 'it does not belong to this monitoring session',
};

/** Why the agent's app must refuse `r`, or null when it may answer (and the grant is now used). */
async function check(
  c: GrantCtx,
  a: Asker,
  r: RedeemRequest,
): Promise<{ reason: GrantRefusal; claims: GrantClaims | null } | GrantClaims> {
  const read = readGrant(r.grant, c.publicKey);
  if (!read.ok) return read;
  const cl = read.claims;
  if (cl.agentId !== a.principal.agentId) return { reason: 'not-for-you', claims: cl };
  const row = await c.data.grant(cl.id);
  if (!row) return { reason: 'unknown', claims: cl };
  if (c.now() >= cl.expiresAt) return { reason: 'expired', claims: cl };
  if (row.redeemed_at !== null) return { reason: 'replayed', claims: cl };
  if (r.observed.callId === null) return { reason: 'call-not-live', claims: cl };
  if (r.observed.callId !== cl.callId) return { reason: 'wrong-call', claims: cl };
  if (r.observed.fromUser.toLowerCase() !== cl.supervisorSipUser.toLowerCase())
    return { reason: 'wrong-supervisor', claims: cl };
  const live = await liveCall(c, cl.conversationId);
  if (!live || live.callId !== cl.callId || live.agentId !== cl.agentId)
    return { reason: 'call-not-live', claims: cl };
  if (r.observed.sessionGrantId) {
    const first = await c.data.grant(r.observed.sessionGrantId);
    if (
      !first ||
      first.redeemed_at === null ||
      first.supervisor_id !== cl.supervisorId ||
      first.call_id !== cl.callId
    )
      return { reason: 'wrong-session', claims: cl };
  }
  // Single use even against two redemptions at once (on two relays too): only one UPDATE finds it unredeemed.
  if (!(await c.data.redeemGrant(cl.id, c.now()))) return { reason: 'replayed', claims: cl };
  return cl;
}

export async function redeemGrant(c: GrantCtx, a: Asker, r: RedeemRequest): Promise<GrantClaims> {
  const result = await check(c, a, r);
  if ('reason' in result) {
    await c.audit.record({
      actorId: a.principal.agentId,
      action: AUDIT.MONITORING_REFUSED,
      target: result.claims?.conversationId ?? null,
      detail: {
        stage: 'redeem',
        reason: result.reason,
        grantId: result.claims?.id ?? null,
        supervisorId: result.claims?.supervisorId ?? null,
        callId: r.observed.callId,
        fromUser: r.observed.fromUser.slice(0, 64),
      },
      ip: a.ip,
    });
    throw new RelayError(
      RELAY_ERR.FORBIDDEN,
      `Monitoring grant refused (${result.reason}): ${HUMAN[result.reason]}.`,
    );
  }
  await c.audit.record({
    actorId: a.principal.agentId,
    action: AUDIT.MONITORING_REDEEMED,
    target: result.conversationId,
    detail: {
      grantId: result.id,
      supervisorId: result.supervisorId,
      mode: result.mode,
      callId: result.callId,
    },
    ip: a.ip,
  });
  return result;
}

/**
 * A session ended, told by its supervisor or its agent (whichever app sees it first): the first
 * report is recorded on the session's first grant with one audit line (how long it ran, why);
 * later ones answer `recorded: false`. Anyone else is refused, and that is audited too.
 */
export async function endSession(c: GrantCtx, a: Asker, r: EndRequest): Promise<EndResult> {
  const row = await c.data.grant(r.grantId);
  const me = a.principal.agentId;
  if (!row || (row.supervisor_id !== me && row.agent_id !== me)) {
    await c.audit.record({
      actorId: me,
      action: AUDIT.MONITORING_REFUSED,
      target: row?.conversation_id ?? null,
      detail: { stage: 'end', reason: row ? 'not-yours' : 'unknown', grantId: r.grantId },
      ip: a.ip,
    });
    // Someone else's session and none at all get the same answer.
    throw new RelayError(RELAY_ERR.NOT_FOUND, 'No such monitoring session of yours.', 404);
  }
  const now = c.now();
  // The end and its one audit line commit together; a later report finds it recorded.
  return c.data.transaction(async (tx): Promise<EndResult> => {
    if (!(await tx.endGrant(row.id, now, r.reason))) return { recorded: false };
    await c.audit.record(
      {
        actorId: me,
        action: AUDIT.MONITORING_ENDED,
        target: row.conversation_id,
        detail: {
          grantId: row.id,
          supervisorId: row.supervisor_id,
          agentId: row.agent_id,
          callId: row.call_id,
          reason: r.reason,
          joined: row.redeemed_at !== null,
          durationMs: row.redeemed_at === null ? 0 : Math.max(0, now - row.redeemed_at),
        },
        ip: a.ip,
      },
      tx,
    );
    return { recorded: true };
  });
}
