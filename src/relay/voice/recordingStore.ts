import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  existsSync,
  linkSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_RECORDING_POLICY,
  recordingPolicySchema,
  type RecordingMime,
  type RecordingPolicy,
} from '../../shared/recording';
import type { HlcClock } from '../../shared/sync/hlc';
import { RELAY_ERR } from '../../shared/sync/protocol';
import type { Auth } from '../identity/auth';
import type { Audit } from '../identity/audit';
import type { Directory } from '../identity/directory';
import { RelayError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { AsyncStore } from '../data/asyncStore';

// Where recordings are kept: encrypted files with their ids beside them, and the retention sweep.
// Files only, no database rows: `<data>/recordings/<id>.sbr` (the audio) and `<id>.json` (its
// ids), keyed by `<data>/recording.key`. Relays of one cluster share the data directory (a shared
// filesystem with atomic rename and link, as deploy/relay/compose.yaml mounts it), so any relay
// plays back what another stored: every write is whole-then-renamed under a name of its own, and
// the key is made once whoever starts first.

/** Stored file: magic, 12-byte nonce, AES-256-GCM ciphertext, 16-byte tag. */
const MAGIC = Buffer.from('SBR1');
const KEY_FILE = 'recording.key';

export type RecordingsOptions = {
  /** Largest recording accepted, in bytes. Default 64 MiB (about 4 h of Opus at 32 kbit/s). */
  maxBytes?: number;
  /** How often recordings past their team's retention are deleted. Default hourly (and at start). */
  sweepIntervalMs?: number;
};

export type RecordingsDeps = {
  audit: Audit;
  /** Where call records and teams are read and a team's policy written (SQLite or PostgreSQL). */
  store: Pick<AsyncStore, 'get' | 'scopeOf' | 'transaction'>;
  auth: Auth;
  directory: Pick<Directory, 'requireTeam' | 'oversees' | 'teamIdsOf'>;
  relayClock: HlcClock;
  dataDir: string;
  log: Logger;
  now: () => number;
  options?: RecordingsOptions;
};

/** What the recordings' functions share: deps, the folder, the largest upload and the key once read. */
export type RecCtx = RecordingsDeps & { dir: string; maxBytes: number; key: Buffer | null };

/** What the relay keeps beside each encrypted recording (ids only, nothing said on the call). */
export type RecordingMeta = {
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

export function recordingContext(d: RecordingsDeps): RecCtx {
  return {
    ...d,
    dir: join(d.dataDir, 'recordings'),
    maxBytes: d.options?.maxBytes ?? 64 * 1024 * 1024,
    key: null,
  };
}

/** The key of `<data>/recording.key` (32 bytes, mode 0600), made on first use. */
function recordingKey(c: RecCtx): Buffer {
  if (c.key) return c.key;
  const file = join(c.dataDir, KEY_FILE);
  if (!existsSync(file)) {
    // Written aside and linked into place: relays sharing the data directory may make it at once,
    // and none may read half of it. The first link wins; the others use that key.
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(tmp, randomBytes(32), { mode: 0o600, flag: 'wx' });
    try {
      linkSync(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      unlinkSync(tmp);
    }
  }
  const key = readFileSync(file);
  if (key.length !== 32) throw new Error(`${file} must hold 32 bytes.`);
  c.key = key;
  return key;
}

export function encrypt(c: RecCtx, plain: Buffer): Buffer {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', recordingKey(c), nonce);
  cipher.setAAD(MAGIC);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([MAGIC, nonce, body, cipher.getAuthTag()]);
}

export function decrypt(c: RecCtx, file: Buffer): Buffer {
  if (file.length < 32 || !file.subarray(0, 4).equals(MAGIC))
    throw new RelayError(RELAY_ERR.INTERNAL, 'This recording is damaged and cannot be played.', 500);
  const dc = createDecipheriv('aes-256-gcm', recordingKey(c), file.subarray(4, 16));
  dc.setAAD(MAGIC);
  dc.setAuthTag(file.subarray(file.length - 16));
  try {
    return Buffer.concat([dc.update(file.subarray(16, file.length - 16)), dc.final()]);
  } catch {
    throw new RelayError(RELAY_ERR.INTERNAL, 'This recording is damaged and cannot be played.', 500);
  }
}

export const paths = (c: RecCtx, id: string) => ({
  data: join(c.dir, `${id}.sbr`),
  meta: join(c.dir, `${id}.json`),
});

/**
 * Writes a file whole, then renames it into place, so a reader never sees half of it; the
 * temporary name is this write's own, so two relays writing one file at once do not mix.
 */
export function writeWhole(file: string, data: Buffer | string): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, data, { mode: 0o600 });
  renameSync(tmp, file);
}

/** A team's recording policy, the default when it has none (or none that reads). */
export async function policyOf(c: RecCtx, teamId: string | null): Promise<RecordingPolicy> {
  const team = teamId ? await c.store.get('team', teamId) : null;
  const r = recordingPolicySchema.safeParse(team?.data['recording']);
  return r.success ? r.data : DEFAULT_RECORDING_POLICY;
}

/** Deletes the audio of recordings older than their team's retention; keeps the ids to say so. */
export async function sweep(c: RecCtx): Promise<number> {
  if (!existsSync(c.dir)) return 0;
  const now = c.now();
  let deleted = 0;
  for (const name of readdirSync(c.dir)) {
    if (!name.endsWith('.json')) continue;
    const f = paths(c, name.slice(0, -5));
    try {
      const meta = JSON.parse(readFileSync(f.meta, 'utf8')) as RecordingMeta;
      const scope = meta.conversationId ? await c.store.scopeOf(meta.conversationId) : null;
      const days = (await policyOf(c, scope?.teamId ?? meta.teamId)).retentionDays;
      if (meta.deletedAt || days === undefined || Date.parse(meta.storedAt) + days * 86_400_000 > now)
        continue;
      rmSync(f.data, { force: true });
      writeWhole(f.meta, JSON.stringify({ ...meta, deletedAt: new Date(now).toISOString() }));
      deleted += 1;
    } catch (err) {
      c.log.warn({ err, file: name }, 'recording retention sweep skipped a file');
    }
  }
  if (deleted > 0) c.log.info({ deleted }, 'recordings deleted after their retention period');
  return deleted;
}
