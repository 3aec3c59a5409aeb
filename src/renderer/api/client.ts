import type { CallArgs, CallResult, EventPayload } from '../../shared/api';
import type { CallChannel, EventChannel } from '../../shared/channels';
import type { ApiError } from '../../shared/errors';
import type { Transport } from './transport';

/** An API call that came back `{ ok: false }`; `message` is written for the agent. */
export class ApiCallError extends Error {
  readonly code: ApiError['code'];
  readonly issues: string[];
  constructor(error: ApiError) {
    super(error.message);
    this.name = 'ApiCallError';
    this.code = error.code;
    this.issues = error.issues ?? [];
  }
}

export type ApiClient = {
  kind: Transport['kind'];
  call<C extends CallChannel>(channel: C, args: CallArgs<C>): Promise<CallResult<C>>;
  on<E extends EventChannel>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  onStatus: Transport['onStatus'];
};

/** Typed calls over any transport. */
export function createApiClient(transport: Transport): ApiClient {
  return {
    kind: transport.kind,
    async call(channel, args) {
      const r = await transport.invoke(channel, args);
      if (!r.ok) throw new ApiCallError(r.error);
      return r.value as never;
    },
    on(event, listener) {
      return transport.on(event, listener as (p: unknown) => void);
    },
    onStatus: transport.onStatus,
  };
}
