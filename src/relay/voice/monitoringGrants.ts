import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GRANT_LIMITS,
  GRANT_PREFIX,
  grantClaimsSchema,
  splitGrant,
  teamMonitoringOf,
  type GrantClaims,
  type GrantRefusal,
  type EndRequest,
  type EndResult,
  type GrantRequest,
  type IssuedGrant,
  type RedeemRequest,
} from '../../shared/monitoring';
import { uuidv7 } from '../../shared/sync/ids';
import { RELAY_ERR } from '../../shared/sync/protocol';
import type { Accounts } from '../identity/accounts';
import { AUDIT, type Audit } from '../identity/audit';
import type { Principal } from '../identity/auth';
import type { Database } from '../data/db';
import { RelayError } from '../core/errors';
import type { Store } from '../data/store';
import { sipUserOf } from './settings';

const KEY_FILE = 'monitoring.key';
/** Call states in which a call can be monitored (the customer is on the line with the agent). */
const LIVE_STATES = new Set(['talking', 'held']);

export type MonitoringOptions = {
  /** How long a grant is good for after it is issued. Default 30 s (1 s to 5 min). */
  grantTtlMs?: number;
};

export type MonitoringGrantsDeps = {
  db: Database;
  store: Store;
  accounts: Accounts;
  audit: Audit;
  dataDir: string;
  now: () => number;
  options?: MonitoringOptions;
};

/** Who asks, and from where: every attempt goes to the audit log with both. */
export type Asker = { principal: Principal; ip: string | null };

/**
 * The relay's Ed25519 key for monitoring grants, from `<dataDir>/monitoring.key` (PKCS#8 PEM,
 * mode 0600), made on first use. Apps verify grants with its public half (`GET /v1/monitoring/key`).
 */
export function loadMonitoringKey(dataDir: string): { privateKey: KeyObject; publicKeyPem: string } {
  const file = join(dataDir, KEY_FILE);
  if (!existsSync(file)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    try {
      writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      // Another relay process on the same folder made it first: use theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  const privateKey = createPrivateKey(readFileSync(file, 'utf8'));
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }) as string;
  return { privateKey, publicKeyPem };
}

/** Verifies a token's signature with `publicKey` and reads its claims; the refusal reason otherwise. */
export function readGrant(
  token: string,
  publicKey: KeyObject,
): { ok: true; claims: GrantClaims } | { ok: false; reason: GrantRefusal; claims: GrantClaims | null } {
  const parts = splitGrant(token);
  if (!parts) return { ok: false, reason: 'malformed', claims: null };
  let claims: GrantClaims | null = null;
  try {
    const parsed = grantClaimsSchema.safeParse(JSON.parse(Buffer.from(parts.claims, 'base64url').toString()));
    if (parsed.success) claims = parsed.data;
  } catch {
    claims = null;
  }
  const good = verify(null, Buffer.from(parts.signed), publicKey, Buffer.from(parts.signature, 'base64url'));
  if (!good) return { ok: false, reason: 'forged', claims };
  if (!claims) return { ok: false, reason: 'malformed', claims: null };
  return { ok: true, claims };
}

type GrantRow = {
  id: string;
  supervisor_id: string;
  agent_id: string;
  conversation_id: string;
  call_id: string;
  mode: string;
  redeemed_at: number | null;
  ended_at: number | null;
};

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

/**
 * Monitoring grants: `issue` gives a supervisor of the call's team (or an admin) a short-lived
 * grant naming supervisor, agent, call and mode, signed with the relay's key; `redeem` is how the
 * agent's app checks one before it answers (signature, expiry, single use, the agent, the call and
 * the supervisor). Every attempt, granted or refused, is an audit line. [grantTtlMs=30000]
 */
export function createMonitoringGrants(d: MonitoringGrantsDeps) {
  const ttl = d.options?.grantTtlMs ?? GRANT_LIMITS.defaultTtlMs;
  if (!Number.isInteger(ttl) || ttl < GRANT_LIMITS.minTtlMs || ttl > GRANT_LIMITS.maxTtlMs)
    throw new Error(
      `monitoring.grantTtlMs must be a whole number of ms from ${GRANT_LIMITS.minTtlMs} to ${GRANT_LIMITS.maxTtlMs}.`,
    );
  const key = loadMonitoringKey(d.dataDir);
  const publicKey = createPublicKey(key.publicKeyPem);
  const q = {
    byCallId: d.db
      .prepare<[string], string>(
        `SELECT id FROM records WHERE entity = 'conversation' AND deleted = 0
           AND json_extract(data, '$.channel') = 'voice' AND json_extract(data, '$.call.callId') = ?
         ORDER BY json_extract(data, '$.call.at') DESC LIMIT 1`,
      )
      .pluck(),
    insert: d.db.prepare(
      `INSERT INTO monitoring_grants (id, issued_at, expires_at, supervisor_id, agent_id, conversation_id, call_id, mode)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    grant: d.db.prepare<[string], GrantRow>('SELECT * FROM monitoring_grants WHERE id = ?'),
    redeem: d.db.prepare('UPDATE monitoring_grants SET redeemed_at = ? WHERE id = ? AND redeemed_at IS NULL'),
    end: d.db.prepare(
      'UPDATE monitoring_grants SET ended_at = ?, ended_reason = ? WHERE id = ? AND ended_at IS NULL',
    ),
  };

  /** The call on a voice conversation, when it is live with an agent. */
  function liveCall(conversationId: string) {
    const conv = d.store.get('conversation', conversationId);
    if (!conv || conv.deleted || conv.data['channel'] !== 'voice') return null;
    const call = conv.data['call'] as { state?: unknown; callId?: unknown; agentId?: unknown } | undefined;
    if (!call || typeof call.callId !== 'string' || typeof call.agentId !== 'string') return null;
    if (!LIVE_STATES.has(String(call.state))) return null;
    return {
      conversationId,
      teamId: (conv.data['teamId'] as string | null | undefined) ?? null,
      callId: call.callId,
      agentId: call.agentId,
    };
  }

  function refuseIssue(a: Asker, target: string | null, reason: string, err: RelayError): never {
    d.audit.record({
      actorId: a.principal.agentId,
      action: AUDIT.MONITORING_REFUSED,
      target,
      detail: { stage: 'issue', reason },
      ip: a.ip,
    });
    throw err;
  }

  function issue(a: Asker, r: GrantRequest): IssuedGrant {
    const p = a.principal;
    const asked = r.callConversationId ?? r.callId ?? null;
    const forbidden = () =>
      new RelayError(
        RELAY_ERR.FORBIDDEN,
        'Only admins and the supervisors of the agent’s team may listen to, whisper to or barge into a call.',
      );
    // Agents are refused before anything is looked up: they learn nothing about which calls exist.
    if (p.role === 'agent') refuseIssue(a, asked, 'role', forbidden());
    const convId = r.callConversationId ?? q.byCallId.get(r.callId!) ?? null;
    const call = convId ? liveCall(convId) : null;
    const conv = convId ? d.store.get('conversation', convId) : null;
    const teamId = (conv?.data['teamId'] as string | null | undefined) ?? null;
    if (!call) {
      // A supervisor of another team gets the same answer for a call that exists as for none.
      if (!conv || !d.accounts.oversees(p, teamId)) refuseIssue(a, asked, 'not-your-team', forbidden());
      refuseIssue(
        a,
        asked,
        'call-not-live',
        new RelayError(RELAY_ERR.CONFLICT, 'That call is not live with an agent; pick a live call.'),
      );
    }
    const ofTeam = call.teamId !== null && d.accounts.teamIdsOf(call.agentId).includes(call.teamId);
    if (!d.accounts.oversees(p, call.teamId) || (p.role !== 'admin' && !ofTeam))
      refuseIssue(a, call.conversationId, 'not-your-team', forbidden());
    if (call.agentId === p.agentId)
      refuseIssue(
        a,
        call.conversationId,
        'own-call',
        new RelayError(RELAY_ERR.VALIDATION, 'You cannot monitor your own call.'),
      );
    const supervisorSipUser = sipUserOf(d.store.get('agent', p.agentId)?.data);
    const agentSipUser = sipUserOf(d.store.get('agent', call.agentId)?.data);
    if (!supervisorSipUser || !agentSipUser)
      refuseIssue(
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
    const now = d.now();
    const claims: GrantClaims = {
      v: 1,
      id: uuidv7(),
      mode: r.mode,
      supervisorId: p.agentId,
      supervisorSipUser,
      supervisorName: d.accounts.agentById(p.agentId)?.name ?? '',
      agentId: call.agentId,
      agentSipUser,
      conversationId: call.conversationId,
      callId: call.callId,
      agentSees: teamMonitoringOf(call.teamId ? d.store.get('team', call.teamId)?.data : undefined).agentSees,
      issuedAt: now,
      expiresAt: now + ttl,
    };
    const signed = `${GRANT_PREFIX}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    const grant = `${signed}.${sign(null, Buffer.from(signed), key.privateKey).toString('base64url')}`;
    d.db.transaction(() => {
      q.insert.run(
        claims.id,
        now,
        claims.expiresAt,
        p.agentId,
        call.agentId,
        call.conversationId,
        call.callId,
        r.mode,
      );
      d.audit.record({
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
      });
    })();
    return { grant, claims };
  }

  /** Why the agent's app must refuse `r`, or null when it may answer (and the grant is now used). */
  function check(
    a: Asker,
    r: RedeemRequest,
  ): { reason: GrantRefusal; claims: GrantClaims | null } | GrantClaims {
    const read = readGrant(r.grant, publicKey);
    if (!read.ok) return read;
    const c = read.claims;
    if (c.agentId !== a.principal.agentId) return { reason: 'not-for-you', claims: c };
    const row = q.grant.get(c.id);
    if (!row) return { reason: 'unknown', claims: c };
    if (d.now() >= c.expiresAt) return { reason: 'expired', claims: c };
    if (row.redeemed_at !== null) return { reason: 'replayed', claims: c };
    if (r.observed.callId === null) return { reason: 'call-not-live', claims: c };
    if (r.observed.callId !== c.callId) return { reason: 'wrong-call', claims: c };
    if (r.observed.fromUser.toLowerCase() !== c.supervisorSipUser.toLowerCase())
      return { reason: 'wrong-supervisor', claims: c };
    const live = liveCall(c.conversationId);
    if (!live || live.callId !== c.callId || live.agentId !== c.agentId)
      return { reason: 'call-not-live', claims: c };
    if (r.observed.sessionGrantId) {
      const first = q.grant.get(r.observed.sessionGrantId);
      if (
        !first ||
        first.redeemed_at === null ||
        first.supervisor_id !== c.supervisorId ||
        first.call_id !== c.callId
      )
        return { reason: 'wrong-session', claims: c };
    }
    // Single use even against two redemptions at once: only one UPDATE finds it unredeemed.
    if (q.redeem.run(d.now(), c.id).changes !== 1) return { reason: 'replayed', claims: c };
    return c;
  }

  function redeem(a: Asker, r: RedeemRequest): GrantClaims {
    const result = check(a, r);
    if ('reason' in result) {
      d.audit.record({
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
    d.audit.record({
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
  function end(a: Asker, r: EndRequest): EndResult {
    const row = q.grant.get(r.grantId);
    const me = a.principal.agentId;
    if (!row || (row.supervisor_id !== me && row.agent_id !== me)) {
      d.audit.record({
        actorId: me,
        action: AUDIT.MONITORING_REFUSED,
        target: row?.conversation_id ?? null,
        detail: { stage: 'end', reason: row ? 'not-yours' : 'unknown', grantId: r.grantId },
        ip: a.ip,
      });
      // Someone else's session and none at all get the same answer.
      throw new RelayError(RELAY_ERR.NOT_FOUND, 'No such monitoring session of yours.', 404);
    }
    const now = d.now();
    return d.db.transaction((): EndResult => {
      if (q.end.run(now, r.reason, row.id).changes !== 1) return { recorded: false };
      d.audit.record({
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
      });
      return { recorded: true };
    })();
  }

  return { issue, redeem, end, publicKeyPem: key.publicKeyPem };
}
export type MonitoringGrants = ReturnType<typeof createMonitoringGrants>;
