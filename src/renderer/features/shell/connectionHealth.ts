import type { SyncStateView } from '../../../shared/session';
import type { TransportStatus } from '../../api/transport';
import type { Registration } from '../phone/sipTypes';

/** How the workstation's links stand, worst first: the header shows one indicator for all three. */
export type HealthLevel = 'problem' | 'degraded' | 'ok';

/** What the header's one indicator says, as an i18n key under `health.` and its count. */
export type HealthSummary = { level: HealthLevel; key: string; count: number };

export type HealthInput = {
  /** The renderer's link to the app (main process or browser host). */
  connection: TransportStatus;
  /** The relay sync, when signed in (null: signed out, nothing to sync). */
  sync: SyncStateView | null;
  /** Changes the relay refused, waiting for the agent to read. */
  rejected: number;
  /** The softphone's registration ('stopped': no phone in use, not a problem). */
  registration: Registration;
};

/**
 * The one thing the header says about connections: the first problem in the order the agent
 * would fix them (the app, then the relay, then the phone), or that everything is connected.
 */
export function summarizeHealth(h: HealthInput): HealthSummary {
  const at = (level: HealthLevel, key: string, count = 0): HealthSummary => ({ level, key, count });
  if (h.connection === 'unauthorized') return at('problem', 'appUnauthorized');
  if (h.connection !== 'open') return at('degraded', 'appReconnecting');
  if (h.sync?.status === 'revoked') return at('problem', 'revoked');
  if (h.registration === 'failed') return at('problem', 'phoneFailed');
  if (h.rejected > 0) return at('problem', 'rejected', h.rejected);
  if (h.sync?.status === 'offline') return at('degraded', 'offline', h.sync.pending);
  if (h.sync?.status === 'connecting') return at('degraded', 'relayConnecting');
  if (h.registration === 'reconnecting' || h.registration === 'connecting')
    return at('degraded', 'phoneConnecting');
  if (h.sync?.status === 'syncing') return at('ok', 'syncing');
  if (h.sync && h.sync.pending > 0) return at('ok', 'sending', h.sync.pending);
  return at('ok', 'ok');
}
