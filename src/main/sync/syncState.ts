export type SyncStatus = 'online' | 'offline' | 'connecting' | 'syncing' | 'revoked' | 'signedOut';
/** What the UI shows: connection status, changes waiting, snapshot progress, the last problem. */
export type SyncState = {
  status: SyncStatus;
  pending: number;
  progress?: { done: number; total: number };
  lastError?: { code: string; message: string };
};
/** A change to the state; `progress` or `lastError` given as undefined is cleared. */
export type SyncStatePatch = { [K in keyof SyncState]?: SyncState[K] | undefined };

/** `s` with `patch` applied, or null when nothing changes (listeners are told only of changes). */
export function patchedState(s: SyncState, patch: SyncStatePatch): SyncState | null {
  const next = { ...s, ...patch } as SyncState;
  for (const k of ['progress', 'lastError'] as const)
    if (k in patch && patch[k] === undefined) delete next[k];
  return JSON.stringify(next) === JSON.stringify(s) ? null : next;
}
