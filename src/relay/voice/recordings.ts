import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import {
  DEFAULT_RECORDING_POLICY,
  mayPlayRecordings,
  recordingPolicySchema,
  RECORDING_MIME_TYPES,
  type CallRecording,
  type RecordingMime,
  type RecordingPolicy,
} from '../../shared/recording';
import type { CallData } from '../../shared/sync/entities';
import type { HlcClock } from '../../shared/sync/hlc';
import { UUID_RE } from '../../shared/sync/ids';
import { RELAY_ERR } from '../../shared/sync/protocol';
import type { Accounts } from '../identity/accounts';
import type { Auth, Principal } from '../identity/auth';
import type { Database } from '../data/db';
import { methodNotAllowed, RelayError } from '../core/errors';
import { guarded } from '../core/guard';
import { readBody, readJson, sendError, sendJson } from '../http/reply';
import { AUDIT, clientIp, type Audit } from '../identity/audit';
import type { Logger } from '../core/logger';
import { writeFields } from '../data/records';
import { decodeParam, targetOf } from '../http/requestTarget';
import type { Store } from '../data/store';
import { canSee, viewerOf } from '../data/visibility';
import { RELAY_ROUTES, routeRegex } from '../../shared/relayRoutes';

// PUT (admins, supervisors) sets a team's policy; GET and PUT of a recording are its audio.
const TEAM_RECORDING = routeRegex(RELAY_ROUTES.teamRecording);
const RECORDING = routeRegex(RELAY_ROUTES.recording);

/** Stored file: magic, 12-byte nonce, AES-256-GCM ciphertext, 16-byte tag. */
const MAGIC = Buffer.from('SBR1');
const KEY_FILE = 'recording.key';

export type RecordingsOptions = {
  /** Largest recording accepted, in bytes. Default 64 MiB (about 4 h of Opus at 32 kbit/s). */
  maxBytes?: number;
  /** How often recordings past their team's retention are deleted. Default hourly (and at start). */
  sweepIntervalMs?: number;
};

/** What the relay keeps beside each encrypted recording (ids only, nothing said on the call). */
type RecordingMeta = {
  id: string;
  callId: string;
  conversationId: string | null;
  teamId: string | null;
  agentId: string;
  mime: RecordingMime;
  bytes: number;
  durationMs: number;
  storedAt: string;
  /** Set when the audio was deleted after the team's retention period (the ids stay, to say so). */
  deletedAt?: string;
};

/**
 * Call recordings: an agent's app uploads the mixed audio of a recorded call once its call record
 * has reached the relay (`PUT /v1/recordings/:id?call=<callId>`, the bytes as the body); the relay
 * encrypts it at rest (AES-256-GCM, key in `<data>/recording.key`, 0600) and plays it back
 * (`GET /v1/recordings/:id`) to those who may see the conversation and whose role the team's
 * policy allows. `PUT /v1/admin/teams/:id/recording` sets a team's policy (admins, the team's
 * supervisors). Returns false for other routes.
 */
export function createRecordings(d: {
  audit: Audit;
  db: Database;
  store: Store;
  auth: Auth;
  accounts: Accounts;
  relayClock: HlcClock;
  dataDir: string;
  log: Logger;
  now: () => number;
  options?: RecordingsOptions;
}) {
  const maxBytes = d.options?.maxBytes ?? 64 * 1024 * 1024;
  const dir = join(d.dataDir, 'recordings');
  let key: Buffer | null = null;

  function recordingKey(): Buffer {
    if (key) return key;
    const file = join(d.dataDir, KEY_FILE);
    if (!existsSync(file)) writeFileSync(file, randomBytes(32), { mode: 0o600, flag: 'wx' });
    key = readFileSync(file);
    if (key.length !== 32) throw new Error(`${file} must hold 32 bytes.`);
    return key;
  }

  function encrypt(plain: Buffer): Buffer {
    const nonce = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', recordingKey(), nonce);
    c.setAAD(MAGIC);
    const body = Buffer.concat([c.update(plain), c.final()]);
    return Buffer.concat([MAGIC, nonce, body, c.getAuthTag()]);
  }

  function decrypt(file: Buffer): Buffer {
    if (file.length < 32 || !file.subarray(0, 4).equals(MAGIC))
      throw new RelayError(RELAY_ERR.INTERNAL, 'This recording is damaged and cannot be played.', 500);
    const dc = createDecipheriv('aes-256-gcm', recordingKey(), file.subarray(4, 16));
    dc.setAAD(MAGIC);
    dc.setAuthTag(file.subarray(file.length - 16));
    try {
      return Buffer.concat([dc.update(file.subarray(16, file.length - 16)), dc.final()]);
    } catch {
      throw new RelayError(RELAY_ERR.INTERNAL, 'This recording is damaged and cannot be played.', 500);
    }
  }

  const paths = (id: string) => ({ data: join(dir, `${id}.sbr`), meta: join(dir, `${id}.json`) });

  const caller = (req: IncomingMessage): Promise<Principal> => d.auth.authenticateRequest(req);

  function policyOf(teamId: string | null): RecordingPolicy {
    const team = teamId ? d.store.get('team', teamId) : null;
    const r = recordingPolicySchema.safeParse(team?.data['recording']);
    return r.success ? r.data : DEFAULT_RECORDING_POLICY;
  }

  function readRecording(req: IncomingMessage, limit: number): Promise<Buffer> {
    const tooLarge = () => new RelayError(RELAY_ERR.TOO_LARGE, `A recording may be at most ${limit} bytes.`);
    if (Number(req.headers['content-length'] ?? NaN) > limit) throw tooLarge();
    return readBody(req, limit, tooLarge);
  }

  async function setPolicy(req: IncomingMessage, teamId: string): Promise<RecordingPolicy> {
    const p = await caller(req);
    d.accounts.requireTeam(teamId);
    if (!d.accounts.oversees(p, teamId))
      throw new RelayError(RELAY_ERR.FORBIDDEN, 'Only admins and the supervisors of this team may do this.');
    const policy = await readJson(req, 16 * 1024, recordingPolicySchema);
    const at = new Date(d.now()).toISOString();
    d.store.transaction(() =>
      writeFields(
        d.store,
        {
          entity: 'team',
          id: teamId,
          fields: { recording: policy },
          clock: d.relayClock.now(),
          convId: null,
          at,
        },
        { mutationId: null, agentId: p.agentId },
      ),
    );
    d.audit.record({
      actorId: p.agentId,
      action: AUDIT.RECORDING_POLICY_CHANGED,
      target: teamId,
      detail: { policy },
      ip: clientIp(req),
    });
    return policy;
  }

  async function upload(req: IncomingMessage, id: string, callId: string | null): Promise<CallRecording> {
    const p = await caller(req);
    if (!callId || !UUID_RE.test(callId))
      throw new RelayError(RELAY_ERR.VALIDATION, 'call: name the call record as ?call=<id>.');
    const mime = (req.headers['content-type'] ?? '').split(';')[0]!.trim() as RecordingMime;
    if (!RECORDING_MIME_TYPES.includes(mime))
      throw new RelayError(
        RELAY_ERR.VALIDATION,
        `Content-Type: send the recording as ${RECORDING_MIME_TYPES.join(' or ')}.`,
        415,
      );
    const rec = d.store.get('call', callId);
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
    const scope = call.conversationId ? d.store.scopeOf(call.conversationId) : null;
    const teamId = scope?.teamId ?? null;
    if (!policyOf(teamId).enabled)
      throw new RelayError(
        RELAY_ERR.FORBIDDEN,
        'Call recording is off for this team; the recording was not kept.',
      );
    const f = paths(id);
    if (existsSync(f.meta)) {
      // A retry after a lost answer: the same recording again is fine; anything else is not.
      await readRecording(req, maxBytes);
      const meta = JSON.parse(readFileSync(f.meta, 'utf8')) as RecordingMeta;
      if (meta.callId !== callId) throw new RelayError(RELAY_ERR.CONFLICT, 'This recording id is taken.');
      return { id, mime: meta.mime, durationMs: meta.durationMs, bytes: meta.bytes };
    }
    const bytes = await readRecording(req, maxBytes);
    if (bytes.length === 0) throw new RelayError(RELAY_ERR.VALIDATION, 'The recording is empty.');
    const looksRight =
      mime === 'audio/webm'
        ? bytes.subarray(0, 4).equals(Buffer.from([0x1a, 0x45, 0xdf, 0xa3]))
        : bytes.subarray(0, 4).toString('latin1') === 'OggS';
    if (!looksRight) throw new RelayError(RELAY_ERR.VALIDATION, `The body is not ${mime} audio.`, 415);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const meta: RecordingMeta = {
      id,
      callId,
      conversationId: call.conversationId,
      teamId,
      agentId: p.agentId,
      mime,
      bytes: bytes.length,
      durationMs: call.recording.durationMs,
      storedAt: new Date(d.now()).toISOString(),
    };
    // Data first, then the metadata that makes it visible; each written whole, then renamed.
    writeFileSync(`${f.data}.tmp`, encrypt(bytes), { mode: 0o600 });
    renameSync(`${f.data}.tmp`, f.data);
    writeFileSync(`${f.meta}.tmp`, JSON.stringify(meta), { mode: 0o600 });
    renameSync(`${f.meta}.tmp`, f.meta);
    d.log.info({ recording: id, call: callId, bytes: bytes.length }, 'recording stored');
    return { id, mime, durationMs: meta.durationMs, bytes: bytes.length };
  }

  async function download(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const p = await caller(req);
    const f = paths(id);
    if (!existsSync(f.meta)) throw new RelayError(RELAY_ERR.NOT_FOUND, 'There is no such recording (yet).');
    const meta = JSON.parse(readFileSync(f.meta, 'utf8')) as RecordingMeta;
    const viewer = viewerOf(p, d.accounts);
    if (
      meta.deletedAt &&
      canSee(viewer, meta.conversationId, meta.conversationId ? d.store.scopeOf(meta.conversationId) : null)
    )
      throw new RelayError(
        RELAY_ERR.NOT_FOUND,
        `This recording was deleted on ${meta.deletedAt.slice(0, 10)}, after the team's retention period.`,
        410,
      );
    const scope = meta.conversationId ? d.store.scopeOf(meta.conversationId) : null;
    // One answer for "not yours" and "not there", so ids reveal nothing.
    if (!canSee(viewer, meta.conversationId, scope))
      throw new RelayError(RELAY_ERR.NOT_FOUND, 'There is no such recording (yet).');
    if (!mayPlayRecordings(policyOf(scope?.teamId ?? meta.teamId), p.role))
      throw new RelayError(RELAY_ERR.FORBIDDEN, 'Your role may not play this team’s recordings.');
    const audio = decrypt(readFileSync(f.data));
    d.audit.record({
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

  /** Deletes the audio of recordings older than their team's retention; keeps the ids to say so. */
  function sweep(): number {
    if (!existsSync(dir)) return 0;
    const now = d.now();
    let deleted = 0;
    for (const name of readdirSync(dir)) {
      if (!name.endsWith('.json')) continue;
      const f = paths(name.slice(0, -5));
      try {
        const meta = JSON.parse(readFileSync(f.meta, 'utf8')) as RecordingMeta;
        const scope = meta.conversationId ? d.store.scopeOf(meta.conversationId) : null;
        const days = policyOf(scope?.teamId ?? meta.teamId).retentionDays;
        if (meta.deletedAt || days === undefined || Date.parse(meta.storedAt) + days * 86_400_000 > now)
          continue;
        rmSync(f.data, { force: true });
        writeFileSync(`${f.meta}.tmp`, JSON.stringify({ ...meta, deletedAt: new Date(now).toISOString() }), {
          mode: 0o600,
        });
        renameSync(`${f.meta}.tmp`, f.meta);
        deleted += 1;
      } catch (err) {
        d.log.warn({ err, file: name }, 'recording retention sweep skipped a file');
      }
    }
    if (deleted > 0) d.log.info({ deleted }, 'recordings deleted after their retention period');
    return deleted;
  }
  sweep();
  const sweeper = setInterval(
    guarded(d.log, 'recording retention sweep', sweep),
    d.options?.sweepIntervalMs ?? 3_600_000,
  );
  sweeper.unref();

  const fail = (res: ServerResponse, err: unknown) => sendError(res, err, d.log);
  const json = (res: ServerResponse, value: unknown) => sendJson(res, 200, value);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const { path, query } = targetOf(req);
    const team = TEAM_RECORDING.exec(path);
    const rec = RECORDING.exec(path);
    if (!team && !rec) return false;
    try {
      if (team) {
        if (req.method !== 'PUT') throw methodNotAllowed(`${req.method} is not allowed here.`, ['PUT']);
        json(res, await setPolicy(req, decodeParam(team[1]!)));
        return true;
      }
      await caller(req); // who calls before what they name
      const id = decodeParam(rec![1]!);
      if (!UUID_RE.test(id)) throw new RelayError(RELAY_ERR.NOT_FOUND, 'There is no such recording (yet).');
      if (req.method === 'PUT') json(res, await upload(req, id, query.get('call')));
      else if (req.method === 'GET') await download(req, res, id);
      else throw methodNotAllowed(`${req.method} is not allowed here.`, ['GET', 'PUT']);
    } catch (err) {
      fail(res, err);
    }
    return true;
  };
  return Object.assign(handle, { close: () => clearInterval(sweeper) });
}
