/** Machine-readable error codes of the app API. */
export const API_ERR = {
  UNKNOWN_CHANNEL: 'API_ERR_UNKNOWN_CHANNEL',
  INVALID_ARGS: 'API_ERR_INVALID_ARGS',
  BAD_FRAME: 'API_ERR_BAD_FRAME',
  TOO_LARGE: 'API_ERR_TOO_LARGE',
  UNAUTHORIZED: 'API_ERR_UNAUTHORIZED',
  DISCONNECTED: 'API_ERR_DISCONNECTED',
  INTERNAL: 'API_ERR_INTERNAL',
} as const;

export type ApiErrorCode = (typeof API_ERR)[keyof typeof API_ERR];

/** A serializable error: what went wrong, in a sentence a person can act on. */
export type ApiError = {
  /** API_ERR_* from the transport and dispatcher, LOCAL_ERR_* from the cache and sync, RELAY_ERR_* from the relay. */
  code: ApiErrorCode | `LOCAL_ERR_${string}` | `RELAY_ERR_${string}`;
  message: string;
  /** Field-level problems for INVALID_ARGS, as `path: message`. */
  issues?: string[];
  /** With LOCAL_ERR_KEY_LOST: unsent changes that a wipe would lose. */
  pendingAtStake?: number;
};

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/**
 * The one base of expected, user-facing failures (bad input, forbidden, offline, refused by the
 * relay), as opposed to bugs. Each runtime names its own codes (API_ERR_* here, LOCAL_ERR_* in
 * main's store and sync, RELAY_ERR_* on the relay) and subclasses this for its extras; anything
 * that catches "an error a person can act on" checks `instanceof ExpectedError`. `details`
 * carries machine-readable extras such as `pendingAtStake`.
 */
export class ExpectedError<C extends string = string> extends Error {
  readonly code: C;
  readonly details: Record<string, unknown>;
  constructor(code: C, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ExpectedError';
    this.code = code;
    this.details = details;
  }
}
