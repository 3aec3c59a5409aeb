/** What Settings › Updates shows: current and available versions, progress, and why it waits. */
export type UpdateStatus = {
  /** False in the browser host (updated with its server) or with no update server configured. */
  supported: boolean;
  unsupportedReason: string | null;
  currentVersion: string;
  channel: string;
  state:
    'idle' | 'checking' | 'up-to-date' | 'downloading' | 'downloaded' | 'refused' | 'error' | 'unsupported';
  available: {
    version: string;
    /** Plain text; never rendered as HTML. */
    releaseNotes: string;
    releaseDate: string | null;
    /** IT's deadline: after it the update installs at the next idle moment regardless. */
    deadline: string | null;
  } | null;
  /** Download progress, 0–100. */
  progress: number | null;
  /** Why a downloaded update has not installed yet. */
  waitingFor: 'in-call' | 'outbox-not-empty' | 'agent-active' | 'waiting-for-agent' | null;
  lastError: { code: string; message: string } | null;
  lastCheckedAt: string | null;
};
