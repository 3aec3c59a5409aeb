// Shared by the store, keychain and sync tests: real encrypted files in a fresh temp directory.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Change, Entity } from '../../shared/sync/entities';
import { createSilentLogger } from '../base/logger';
import { LocalStore } from './localStore';

export const DEVICE = '0190a000-0000-7000-8000-00000000d001';
export const AGENT = {
  id: '0190a000-0000-7000-8000-00000000a001',
  name: 'Ada',
  email: 'ada@example.com',
  role: 'agent' as const,
  teamIds: [],
  skills: [],
};

export function tempDir(prefix = 'sb-store-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A signed-in store on a fresh encrypted file; `now` is a fixed, advancing clock for determinism. */
export function openTestStore(
  dir = tempDir(),
  key = randomBytes(32),
  deviceId = DEVICE,
): { store: LocalStore; dir: string; key: Buffer; path: string } {
  const path = join(dir, 'cache.db');
  let t = Date.UTC(2025, 0, 1);
  const store = LocalStore.open({ path, key, log: createSilentLogger(), now: () => (t += 1000) });
  store.setIdentity({ deviceId, agent: AGENT });
  return { store, dir, key, path };
}

let seq = 0;
/** A relay change carrying a record's whole state; `seq` increases unless given. */
export function change(
  entity: Entity,
  id: string,
  data: Record<string, unknown> | null,
  clocks: Record<string, string> = {},
  s = ++seq,
): Change {
  return { seq: s, entity, id, data, clocks, deleted: data === null };
}

/** A relay clock (node "relay") at wall time `ms`. */
export const relayClock = (ms: number, counter = 0) =>
  `${String(ms).padStart(15, '0')}:${String(counter).padStart(5, '0')}:relay`;

export const customerData = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  phones: [],
  emails: [],
  company: '',
  address: '',
  language: 'en',
  identities: [],
  customFields: {},
  createdAt: '2025-01-01T00:00:00.000Z',
  ...extra,
});

/** Per-field clocks for every key of `data`. */
export const clocksFor = (data: Record<string, unknown>, clock: string) =>
  Object.fromEntries(Object.keys(data).map((k) => [k, clock]));
