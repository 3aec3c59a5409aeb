import { ExpectedError } from '../../shared/errors';
import { RELAY_ERR, type RelayErrorCode } from '../../shared/sync/protocol';

const STATUS: Record<RelayErrorCode, number> = {
  [RELAY_ERR.BAD_FRAME]: 400,
  [RELAY_ERR.BAD_REQUEST]: 400,
  [RELAY_ERR.TOO_DEEP]: 400,
  [RELAY_ERR.TOO_LARGE]: 413,
  [RELAY_ERR.PROTOCOL]: 400,
  [RELAY_ERR.UNAUTHORIZED]: 401,
  [RELAY_ERR.TOKEN_EXPIRED]: 401,
  [RELAY_ERR.DEVICE_REVOKED]: 401,
  [RELAY_ERR.ACCOUNT_DISABLED]: 401,
  [RELAY_ERR.PASSWORD_CHANGE_REQUIRED]: 403,
  [RELAY_ERR.SESSION_ENDED]: 401,
  [RELAY_ERR.FORBIDDEN]: 403,
  [RELAY_ERR.NOT_FOUND]: 404,
  [RELAY_ERR.VALIDATION]: 422,
  [RELAY_ERR.UNKNOWN_MUTATION]: 400,
  [RELAY_ERR.MUTATION_ID_REUSED]: 409,
  [RELAY_ERR.CONFLICT]: 409,
  [RELAY_ERR.UNDELIVERABLE]: 422,
  [RELAY_ERR.BATCH_TOO_LARGE]: 413,
  [RELAY_ERR.RATE_LIMITED]: 429,
  [RELAY_ERR.INTERNAL]: 500,
};

/**
 * An expected failure of the relay (see ExpectedError) with a RELAY_ERR_* code. HTTP answers
 * carry `httpStatus`; sync frames carry the code.
 */
export class RelayError extends ExpectedError<RelayErrorCode> {
  readonly httpStatus: number;
  /** Seconds after which a refused (429) request may be tried again; sent as `Retry-After`. */
  readonly retryAfterSeconds: number | undefined;
  /** The methods the route takes, when it refused this one (405); sent as `Allow`. */
  readonly allow: readonly string[] | undefined;
  /**
   * A refusal that is security-relevant whatever its code (e.g. a validation refusal that stopped
   * mail to a stranger): where refusals are otherwise only answered, this one is also audited.
   */
  readonly securityRelevant: boolean;
  constructor(
    code: RelayErrorCode,
    message: string,
    httpStatus: number = STATUS[code],
    extra: { retryAfterSeconds?: number; allow?: readonly string[]; securityRelevant?: boolean } = {},
  ) {
    super(code, message);
    this.name = 'RelayError';
    this.httpStatus = httpStatus;
    this.retryAfterSeconds = extra.retryAfterSeconds;
    this.allow = extra.allow;
    this.securityRelevant = extra.securityRelevant ?? false;
  }
}

/**
 * A method the route does not take: 405 with RELAY_ERR_NOT_FOUND, as every relay route answers
 * it, naming the methods it does take (`allow`, sent as the `Allow` header).
 */
export function methodNotAllowed(message: string, allow: readonly string[]): RelayError {
  return new RelayError(RELAY_ERR.NOT_FOUND, message, 405, { allow: [...new Set(allow)] });
}

/** Formats zod issues as `path: message` in one line. */
export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}
