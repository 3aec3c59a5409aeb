import { apiCalls } from '../../shared/api';
import { isCallChannel } from '../../shared/channels';
import {
  API_ERR,
  ExpectedError,
  type ApiError,
  type ApiErrorCode,
  type ApiResult,
} from '../../shared/errors';
import type { Logger } from '../base/logger';
import type { Handlers } from './handlers';

export type Dispatch = (channel: unknown, args: unknown) => Promise<ApiResult<unknown>>;

/**
 * The one entry point both transports call. Rejects unknown channels, validates arguments with
 * the contract's zod schema, and turns every failure into a serializable `{ ok: false, error }`.
 * Unexpected errors are logged with their stack and reported without internals.
 */
export function createDispatcher(handlers: Handlers, log: Logger): Dispatch {
  return async (channel, args) => {
    if (!isCallChannel(channel)) {
      const name = typeof channel === 'string' ? channel.slice(0, 80) : typeof channel;
      return fail(API_ERR.UNKNOWN_CHANNEL, `Unknown API channel "${name}". Update the app if this persists.`);
    }
    const parsed = apiCalls[channel].args.safeParse(args ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(arguments)'}: ${i.message}`);
      return {
        ok: false,
        error: { code: API_ERR.INVALID_ARGS, message: `Invalid arguments for ${channel}.`, issues },
      };
    }
    try {
      const handler = handlers[channel] as (a: unknown) => unknown;
      const value = await handler(parsed.data);
      return { ok: true, value };
    } catch (err) {
      if (err instanceof ExpectedError) {
        const pendingAtStake = err.details['pendingAtStake'];
        return {
          ok: false,
          error: {
            code: err.code as ApiError['code'],
            message: err.message,
            ...(typeof pendingAtStake === 'number' ? { pendingAtStake } : {}),
          },
        };
      }
      log.error({ err, channel }, 'API handler failed');
      return fail(
        API_ERR.INTERNAL,
        `Switchboard could not complete ${channel}. Try again; the log has details.`,
      );
    }
  };
}

function fail(code: ApiErrorCode, message: string): ApiResult<never> {
  return { ok: false, error: { code, message } };
}
