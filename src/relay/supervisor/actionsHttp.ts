import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import type { AgentState } from '../../shared/agentState';
import { RELAY_ROUTES } from '../../shared/relayRoutes';
import type { NoteData } from '../../shared/sync/entities';
import { uuidv7 } from '../../shared/sync/ids';
import { RELAY_ERR, type ServerFrame } from '../../shared/sync/protocol';
import { supervisorActionSchemas, type SupervisorNotice } from '../../shared/supervisor';
import { AUDIT, type AuditAction } from '../identity/audit';
import type { Principal } from '../identity/auth';
import { RelayError } from '../core/errors';
import type { IdentityData, IdentityReads, IdentityTx } from '../data/identityData';
import { writeFieldsAsync } from '../data/records';
import type { StoredRecord } from '../data/store';
import { readJson } from '../http/reply';
import { auditAs, recordInScopeAsync, scopedRoutes, type TeamScopedDeps } from '../http/teamScopedRoute';

export type SupervisorActionsDeps = Omit<TeamScopedDeps, 'store' | 'accounts'> & {
  /** Who is who (the agents acted on and for), and the transactions the writes run in. */
  identity: IdentityData;
  /** Sets an agent's routing state as if their app had stated it (routing and the board). */
  setPresence: (agentId: string, state: AgentState) => void;
  isConnected: (agentId: string) => boolean;
  sendToAgent: (agentId: string, frame: ServerFrame) => void;
  /** The board of the caller's scope (GET /v1/supervisor/board). */
  boardOf: (p: Principal) => Promise<unknown>;
};

/** Bodies are small: a reason or a whisper. */
const BODY_LIMIT = 16 * 1024;
const LIVE_CALL = new Set(['offered', 'ringing', 'talking', 'held']);
const PREFIX = '/v1/supervisor/';

type Actor = { id: string; name: string };

/** Who acts, as notices name them. */
const actor = async (r: Pick<IdentityReads, 'agentById'>, p: Principal): Promise<Actor> => ({
  id: p.agentId,
  name: (await r.agentById(p.agentId))?.name ?? '',
});
const notice = (
  d: SupervisorActionsDeps,
  by: Actor,
  n: DistributiveOmit<SupervisorNotice, 'id' | 'at' | 'by'>,
) => ({ ...n, id: uuidv7(d.now()), at: new Date(d.now()).toISOString(), by }) as SupervisorNotice;
const body = <T>(req: IncomingMessage, schema: z.ZodType<T>) => readJson(req, BODY_LIMIT, schema);
const record = (
  d: SupervisorActionsDeps,
  req: IncomingMessage,
  p: Principal,
  action: AuditAction,
  target: string,
  detail: object,
) => auditAs(d.audit, req, p, action, target, { ...detail });

function requireOverseer(p: Principal): void {
  if (p.role !== 'admin' && p.role !== 'supervisor')
    throw new RelayError(RELAY_ERR.FORBIDDEN, 'Only supervisors and admins may do this.');
}

/** An agent the caller may act on; one answer for "not yours" and "no such agent" to supervisors. */
async function requireManaged(d: SupervisorActionsDeps, p: Principal, agentId: string): Promise<Actor> {
  requireOverseer(p);
  const a = await d.identity.agentById(agentId);
  if (!a && p.role === 'admin') throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no agent ${agentId}.`);
  if (!a || !(await d.directory.managesAgent(p, agentId)) || agentId === p.agentId)
    throw new RelayError(
      RELAY_ERR.FORBIDDEN,
      'You may act only on the agents of the teams you supervise (not admins, other supervisors or yourself).',
    );
  return a;
}

function requireConnected(d: SupervisorActionsDeps, a: Actor): void {
  if (!d.isConnected(a.id))
    throw new RelayError(
      RELAY_ERR.CONFLICT,
      `${a.name} is not connected now, so no work is routed to them; try again when they are back.`,
    );
}

/**
 * A conversation of a team the caller supervises, read in `tx`; one answer for "not yours" and
 * "none" to supervisors.
 */
function requireConversation(
  d: SupervisorActionsDeps,
  p: Principal,
  id: string,
  tx: IdentityTx,
): Promise<StoredRecord> {
  requireOverseer(p);
  return recordInScopeAsync(
    { records: tx.records, directory: { oversees: (who, teamId) => d.directory.oversees(who, teamId, tx) } },
    p,
    'conversation',
    id,
    'Only admins and the supervisors of its team may do this.',
  );
}

async function setStatus(
  d: SupervisorActionsDeps,
  req: IncomingMessage,
  p: Principal,
  agentId: string,
  state: AgentState,
  reason: string,
) {
  const a = await requireManaged(d, p, agentId);
  const n = notice(d, await actor(d.identity, p), { kind: 'status', state, reason });
  requireConnected(d, a);
  d.setPresence(agentId, state);
  d.sendToAgent(agentId, { t: 'supervisorNotice', notice: n });
  record(d, req, p, AUDIT.SUPERVISOR_STATUS_SET, agentId, { state, reason });
  return { agentId, state };
}

async function logout(
  d: SupervisorActionsDeps,
  req: IncomingMessage,
  p: Principal,
  agentId: string,
  reason: string,
) {
  const a = await requireManaged(d, p, agentId);
  const n = notice(d, await actor(d.identity, p), { kind: 'loggedOut', reason });
  requireConnected(d, a);
  d.setPresence(agentId, 'offline');
  d.sendToAgent(agentId, { t: 'supervisorNotice', notice: n });
  record(d, req, p, AUDIT.SUPERVISOR_LOGGED_OUT, agentId, { reason });
  return { agentId, state: 'offline' };
}

async function assign(
  d: SupervisorActionsDeps,
  req: IncomingMessage,
  p: Principal,
  convId: string,
  a: z.infer<typeof supervisorActionSchemas.assign>,
) {
  // Checked and written in one transaction: nothing changes the conversation in between.
  const { from, to, target, by } = await d.identity.transaction(async (tx) => {
    const conv = await requireConversation(d, p, convId, tx);
    const data = conv.data;
    if (data['status'] === 'resolved')
      throw new RelayError(RELAY_ERR.CONFLICT, 'This conversation is resolved; reopen it first.');
    const call = data['call'] as { state?: unknown } | undefined;
    if (data['channel'] === 'voice' && typeof call?.state === 'string' && LIVE_CALL.has(call.state))
      throw new RelayError(
        RELAY_ERR.CONFLICT,
        'A live call stays with the agent on it; ask them to transfer it from their phone.',
      );
    const to = a.take ? p.agentId : a.toAgentId!;
    const target = await tx.agentById(to);
    const teamId = data['teamId'] as string;
    if (!target) throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no agent ${to}.`);
    if (!a.take && !(await tx.teamIdsOf(to)).includes(teamId))
      throw new RelayError(
        RELAY_ERR.VALIDATION,
        'toAgentId: that agent is not a member of the conversation’s team; pick a member.',
      );
    const from = (data['assigneeId'] as string | null | undefined) ?? null;
    if (from === to)
      throw new RelayError(RELAY_ERR.CONFLICT, `This conversation is already ${target.name}’s.`);
    const at = new Date(d.now()).toISOString();
    await writeFieldsAsync(
      tx.records,
      {
        entity: 'conversation',
        id: convId,
        fields: { assigneeId: to },
        clock: d.relayClock.now(),
        convId,
        at,
      },
      { mutationId: null, agentId: p.agentId },
      conv,
    );
    // Routing frees the old assignee's capacity and counts it against the new one.
    tx.records.requestRouting(convId);
    return { from, to, target, by: await actor(tx, p) };
  });
  const n = notice(d, by, {
    kind: 'reassigned',
    conversationId: convId,
    toAgentName: target.name,
    reason: a.reason,
  });
  if (from) d.sendToAgent(from, { t: 'supervisorNotice', notice: n });
  if (to !== p.agentId) d.sendToAgent(to, { t: 'supervisorNotice', notice: n });
  record(d, req, p, a.take ? AUDIT.SUPERVISOR_TOOK : AUDIT.SUPERVISOR_REASSIGNED, convId, {
    from,
    to,
    reason: a.reason,
  });
  return { conversationId: convId, assigneeId: to };
}

async function whisper(
  d: SupervisorActionsDeps,
  req: IncomingMessage,
  p: Principal,
  convId: string,
  text: string,
) {
  const { n, agentId } = await d.identity.transaction(async (tx) => {
    const conv = await requireConversation(d, p, convId, tx);
    const agentId = (conv.data['assigneeId'] as string | null | undefined) ?? null;
    const agent = agentId ? await tx.agentById(agentId) : null;
    if (!agentId || !agent || conv.data['status'] === 'resolved')
      throw new RelayError(
        RELAY_ERR.CONFLICT,
        'Nobody is working on this conversation now, so there is nobody to whisper to.',
      );
    if (agentId === p.agentId) throw new RelayError(RELAY_ERR.CONFLICT, 'This conversation is yours.');
    const n = notice(d, await actor(tx, p), { kind: 'whisper', conversationId: convId, body: text });
    // The note is the whisper (kept, synced to its audience only); the notice is the live heads-up.
    const note: NoteData = {
      conversationId: convId,
      authorId: p.agentId,
      body: text,
      mentions: [],
      createdAt: n.at,
      whisperTo: agentId,
    };
    // An append-only record (as data/records.ts appendRecord writes it).
    await tx.records.put(
      { entity: 'note', id: n.id, data: note, clocks: {}, deleted: false, convId },
      { mutationId: null, agentId: p.agentId },
    );
    return { n, agentId };
  });
  if (d.isConnected(agentId)) d.sendToAgent(agentId, { t: 'supervisorNotice', notice: n });
  // The words stay between the two; the log keeps that it happened and how long it was.
  record(d, req, p, AUDIT.SUPERVISOR_WHISPERED, convId, { agentId, noteId: n.id, chars: text.length });
  return { notice: n, noteId: n.id };
}

/**
 * The supervisor's actions on `/v1/supervisor/*`, each checked here (a supervisor acts only on the
 * agents and conversations of teams they supervise, never on admins, fellow supervisors or
 * themselves; admins on anyone), each audited, each told to the agent at once with the reason:
 * - `GET  /board`: the live board of the caller's scope (the app gets it pushed; this is for tools).
 * - `POST /agents/:id/status {state, reason}`: sets a connected agent's status.
 * - `POST /agents/:id/logout {reason}`: logs a connected agent out of routing (offline, offers withdrawn).
 * - `POST /conversations/:id/assign {toAgentId | take, reason}`: reassigns, or takes it oneself.
 * - `POST /conversations/:id/whisper {body}`: a note in the conversation for its assigned agent
 *   alone (and its overseers: visibility.ts privateToOf), synced like any record, so an agent who
 *   is offline or reconnecting reads it on catch-up; a connected one is also told at once.
 * A refused attempt by a signed-in person is audited too (`supervisor.refused`).
 */
export function createSupervisorActionsHttp(d: SupervisorActionsDeps) {
  const R = RELAY_ROUTES;
  return scopedRoutes(
    d,
    [
      {
        route: R.supervisorBoard,
        run: async (_req, p) => {
          requireOverseer(p);
          return await d.boardOf(p);
        },
      },
      {
        route: R.supervisorStatus,
        run: async (req, p, [id]) => {
          const b = await body(req, supervisorActionSchemas.status);
          return setStatus(d, req, p, id!, b.state, b.reason);
        },
      },
      {
        route: R.supervisorLogout,
        run: async (req, p, [id]) =>
          logout(d, req, p, id!, (await body(req, supervisorActionSchemas.logout)).reason),
      },
      {
        route: R.supervisorAssign,
        run: async (req, p, [id]) => assign(d, req, p, id!, await body(req, supervisorActionSchemas.assign)),
      },
      {
        route: R.supervisorWhisper,
        run: async (req, p, [id]) =>
          whisper(d, req, p, id!, (await body(req, supervisorActionSchemas.whisper)).body),
      },
    ],
    {
      // Any path under it is answered here (404 for one that is none), and who asks comes first:
      // a stranger learns nothing about which agents or conversations exist.
      claim: PREFIX,
      onRelayError: (req, p, path, err) => {
        if (err.code === RELAY_ERR.FORBIDDEN || err.code === RELAY_ERR.NOT_FOUND)
          record(d, req, p, AUDIT.SUPERVISOR_REFUSED, path.slice(PREFIX.length), { code: err.code });
      },
    },
  );
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
