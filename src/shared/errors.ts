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
  /** API_ERR_* from the transport and dispatcher, LOCAL_ERR_* from the cache and sync. */
  code: ApiErrorCode | `LOCAL_ERR_${string}`;
  message: string;
  /** Field-level problems for INVALID_ARGS, as `path: message`. */
  issues?: string[];
  /** With LOCAL_ERR_KEY_LOST: unsent changes that a wipe would lose. */
  pendingAtStake?: number;
};

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/**
 * An expected, user-facing failure (bad input, forbidden, offline), as opposed to a bug.
 * Handlers throw it; the dispatcher turns it into `{ ok: false, error }` with its code intact.
 */
export class ExpectedError extends Error {
  readonly code: ApiErrorCode;
  constructor(code: ApiErrorCode, message: string) {
    super(message);
    this.name = 'ExpectedError';
    this.code = code;
  }
}
