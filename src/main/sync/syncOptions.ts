import type { Logger } from '../base/logger';
import type { LocalStore } from '../store/localStore';

export type SyncClientOptions = {
  /** Base URL of the relay, e.g. `http://127.0.0.1:8080`; the socket is `<ws>/v1/sync`. */
  relayUrl: string;
  store: LocalStore;
  log: Logger;
  /** Called once when the relay revoked this device: close the store and wipe cache and key here. */
  onRevoked: (reason: string) => void | Promise<void>;
  /** Called when the relay ended the session (disabled account, reset password) with its code and reason. */
  onSignedOut?: (code: string, message: string) => void;
  /** First reconnect delay ceiling. Default 500 ms. */
  backoffBaseMs?: number;
  /** Largest reconnect delay ceiling: an agent back online waits at most this long. Default 10 000 ms. */
  backoffCapMs?: number;
  /** Ping interval; a socket silent for two intervals is dropped. Default 15 000 ms. */
  heartbeatMs?: number;
  /** Mutations per push (the relay accepts up to 500). Default 500. */
  batchSize?: number;
  /** Serialized size a push batch stays under (the relay's frame limit is 1 MiB). Default 512 KiB. */
  maxBatchBytes?: number;
  /** Push batches in flight at once (answers still come in order). Default 2. */
  pipeline?: number;
  /** Time allowed for the WebSocket handshake and then for the relay's welcome. Default 10 s. */
  connectTimeoutMs?: number;
  /** Refresh the access token this long before it expires. Default 60 000 ms. */
  refreshMarginMs?: number;
  /** Randomness for backoff jitter. Default Math.random. */
  random?: () => number;
};

/** The timing and size options with their defaults filled in. */
export type SyncLimits = Required<
  Omit<SyncClientOptions, 'store' | 'log' | 'onRevoked' | 'onSignedOut' | 'relayUrl'>
>;

/** `opts`' limits, each defaulted as SyncClientOptions says. */
export function syncLimits(opts: SyncClientOptions): SyncLimits {
  return {
    backoffBaseMs: opts.backoffBaseMs ?? 500,
    backoffCapMs: opts.backoffCapMs ?? 10_000,
    heartbeatMs: opts.heartbeatMs ?? 15_000,
    batchSize: opts.batchSize ?? 500,
    maxBatchBytes: opts.maxBatchBytes ?? 512 * 1024,
    pipeline: opts.pipeline ?? 2,
    connectTimeoutMs: opts.connectTimeoutMs ?? 10_000,
    refreshMarginMs: opts.refreshMarginMs ?? 60_000,
    random: opts.random ?? Math.random,
  };
}
