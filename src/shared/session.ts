import type { Role } from './sync/entities';

/** The sync client's view, as the status bar shows it. */
export type SyncStateView = {
  status: 'online' | 'offline' | 'connecting' | 'syncing' | 'revoked' | 'signedOut';
  pending: number;
  progress?: { done: number; total: number };
  lastError?: { code: string; message: string };
};

/** Who is signed in, where, and how the offline cache stands. */
export type SessionState = {
  /** `locked`: the cache needs its passphrase; `keyLost`: its key is gone (see notice). */
  status: 'signedOut' | 'signedIn' | 'locked' | 'keyLost';
  relayUrl: string | null;
  email: string | null;
  agent: { id: string; name: string; role: Role } | null;
  protection: 'none' | 'keychain' | 'passphrase';
  sync: SyncStateView;
  /** Changes the relay refused, waiting for the agent to read. */
  rejected: number;
  /** Something the agent must know: a revoked device, a lost key and what it puts at stake. */
  notice: { code: string; message: string; pendingAtStake: number } | null;
};
