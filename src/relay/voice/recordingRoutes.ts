import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  mayPlayRecordings,
  recordingPolicySchema,
  RECORDING_MIME_TYPES,
  type CallRecording,
  type RecordingMime,
  type RecordingPolicy,
} from '../../shared/recording';
import type { CallData } from '../../shared/sync/entities';
import { UUID_RE } from '../../shared/sync/ids';
import { RELAY_ERR } from '../../shared/sync/protocol';
import type { Principal } from '../identity/auth';
import { RelayError } from '../core/errors';
import { readBody, readJson } from '../http/reply';
import { AUDIT, clientIp } from '../identity/audit';
import { writeFieldsAsync } from '../data/records';
import { canSee, loadViewer } from '../data/visibility';
import { requireOverseerAsync } from '../http/teamScopedRoute';
import {
  decrypt,
  encrypt,
  paths,
  policyOf,
  writeWhole,
  type RecCtx,
  type RecordingMeta,
} from './recordingStore';

// What the recordings' routes do: set a team's policy, take an agent's upload, play one back.

export const caller = (c: RecCtx, req: IncomingMessage): Promise<Principal> =>
  c.auth.authenticateRequest(req);

function readRecording(req: IncomingMessage, limit: number): Promise<Buffer> {
  const tooLarge = () => new RelayError(RELAY_ERR.TOO_LARGE, `A recording may be at most ${limit} bytes.`);
  if (Number(req.headers['content-length'] ?? NaN) > limit) throw tooLarge();
  return readBody(req, limit, tooLarge);
}

/** Sets a team's recording policy (admins, the team's supervisors), audited. */
export async function setPolicy(c: RecCtx, req: IncomingMessage, teamId: string): Promise<RecordingPolicy> {
  const p = await caller(c, req);
  await c.directory.requireTeam(teamId);
  await requireOverseerAsync(c.directory, p, teamId);
  const policy = await readJson(req, 16 * 1024, recordingPolicySchema);
  const at = new Date(c.now()).toISOString();
  await c.store.transaction((tx) =>
    writeFieldsAsync(
      tx,
      {
        entity: 'team',
        id: teamId,
        fields: { recording: policy },
        clock: c.relayClock.now(),
        convId: null,
        at,
      },
      { mutationId: null, agentId: p.agentId },
    ),
  );
  await c.audit.record({
    actorId: p.agentId,
    action: AUDIT.RECORDING_POLICY_CHANGED,
    target: teamId,
    detail: { policy },
    ip: clientIp(req),
  });
  return policy;
}

/** The call a recording upload belongs to, when the caller may upload it and the team records. */
async function uploadTarget(
  c: RecCtx,
  req: IncomingMessage,
  p: Principal,
  id: string,
  callId: string | null,
) {
  if (!callId || !UUID_RE.test(callId))
    throw new RelayError(RELAY_ERR.VALIDATION, 'call: name the call record as ?call=<id>.');
  const mime = (req.headers['content-type'] ?? '').split(';')[0]!.trim() as RecordingMime;
  if (!RECORDING_MIME_TYPES.includes(mime))
    throw new RelayError(
      RELAY_ERR.VALIDATION,
      `Content-Type: send the recording as ${RECORDING_MIME_TYPES.join(' or ')}.`,
      415,
    );
  const rec = await c.store.get('call', callId);
  if (!rec || rec.deleted)
    throw new RelayError(
      RELAY_ERR.CONFLICT,
      'The call record has not reached the relay yet; the app retries after it syncs.',
    );
  const call = rec.data as CallData & { recording?: CallRecording };
  if (call.recording?.id !== id)
    throw new RelayError(RELAY_ERR.VALIDATION, 'This call record names another recording.');
  if (call.agentId !== p.agentId)
    throw new RelayError(RELAY_ERR.FORBIDDEN, 'Only the agent who took the call may upload its recording.');
  const scope = call.conversationId ? await c.store.scopeOf(call.conversationId) : null;
  const teamId = scope?.teamId ?? null;
  if (!(await policyOf(c, teamId)).enabled)
    throw new RelayError(
      RELAY_ERR.FORBIDDEN,
      'Call recording is off for this team; the recording was not kept.',
    );
  return { callId, mime, call: call as CallData & { recording: CallRecording }, teamId };
}

/** Takes the mixed audio of a recorded call from the agent who took it, and keeps it encrypted. */
export async function upload(
  c: RecCtx,
  req: IncomingMessage,
  id: string,
  callIdParam: string | null,
): Promise<CallRecording> {
  const p = await caller(c, req);
  const { callId, mime, call, teamId } = await uploadTarget(c, req, p, id, callIdParam);
  const f = paths(c, id);
  if (existsSync(f.meta)) {
    // A retry after a lost answer: the same recording again is fine; anything else is not.
    await readRecording(req, c.maxBytes);
    const meta = JSON.parse(readFileSync(f.meta, 'utf8')) as RecordingMeta;
    if (meta.callId !== callId) throw new RelayError(RELAY_ERR.CONFLICT, 'This recording id is taken.');
    return { id, mime: meta.mime, durationMs: meta.durationMs, bytes: meta.bytes };
  }
  const bytes = await readRecording(req, c.maxBytes);
  if (bytes.length === 0) throw new RelayError(RELAY_ERR.VALIDATION, 'The recording is empty.');
  const looksRight =
    mime === 'audio/webm'
      ? bytes.subarray(0, 4).equals(Buffer.from([0x1a, 0x45, 0xdf, 0xa3]))
      : bytes.subarray(0, 4).toString('latin1') === 'OggS';
  if (!looksRight) throw new RelayError(RELAY_ERR.VALIDATION, `The body is not ${mime} audio.`, 415);
  mkdirSync(c.dir, { recursive: true, mode: 0o700 });
  const meta: RecordingMeta = {
    id,
    callId,
    conversationId: call.conversationId,
    teamId,
    agentId: p.agentId,
    mime,
    bytes: bytes.length,
    durationMs: call.recording.durationMs,
    storedAt: new Date(c.now()).toISOString(),
  };
  // Data first, then the metadata that makes it visible; each written whole, then renamed.
  writeWhole(f.data, encrypt(c, bytes));
  writeWhole(f.meta, JSON.stringify(meta));
  c.log.info({ recording: id, call: callId, bytes: bytes.length }, 'recording stored');
  return { id, mime, durationMs: meta.durationMs, bytes: bytes.length };
}

/** Plays a recording back to one who may see its conversation and whose role the policy allows. */
export async function download(
  c: RecCtx,
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
): Promise<void> {
  const p = await caller(c, req);
  const f = paths(c, id);
  if (!existsSync(f.meta)) throw new RelayError(RELAY_ERR.NOT_FOUND, 'There is no such recording (yet).');
  const meta = JSON.parse(readFileSync(f.meta, 'utf8')) as RecordingMeta;
  const [viewer, scope] = await Promise.all([
    loadViewer(p, c.directory),
    meta.conversationId ? c.store.scopeOf(meta.conversationId) : null,
  ]);
  if (meta.deletedAt && canSee(viewer, meta.conversationId, scope))
    throw new RelayError(
      RELAY_ERR.NOT_FOUND,
      `This recording was deleted on ${meta.deletedAt.slice(0, 10)}, after the team's retention period.`,
      410,
    );
  // One answer for "not yours" and "not there", so ids reveal nothing.
  if (!canSee(viewer, meta.conversationId, scope))
    throw new RelayError(RELAY_ERR.NOT_FOUND, 'There is no such recording (yet).');
  if (!mayPlayRecordings(await policyOf(c, scope?.teamId ?? meta.teamId), p.role))
    throw new RelayError(RELAY_ERR.FORBIDDEN, 'Your role may not play this team’s recordings.');
  const audio = decrypt(c, readFileSync(f.data));
  await c.audit.record({
    actorId: p.agentId,
    action: AUDIT.RECORDING_PLAYED,
    target: id,
    detail: { call: meta.callId, conversation: meta.conversationId },
    ip: clientIp(req),
  });
  res
    .writeHead(200, {
      'content-type': meta.mime,
      'content-length': audio.length,
      'content-disposition': `inline; filename="recording-${id}.${meta.mime === 'audio/ogg' ? 'ogg' : 'webm'}"`,
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'cache-control': 'no-store',
    })
    .end(audio);
}
