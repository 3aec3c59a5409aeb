import { useEffect, useState } from 'react';
import type { CallArgs, CallResult } from '../../shared/api';
import type { CallChannel } from '../../shared/channels';
import { useApi, useRoot } from './context';
import { prefetchedValue, takePrefetched } from './prefetch';

export type Query<T> = { data: T | null; error: string | null; loading: boolean };

/**
 * Calls the app API and calls again whenever local data changes (`data:changed`), so views show
 * the cache as it is now. `args` null skips the call. Keys on the JSON of the arguments.
 */
export function useQuery<C extends CallChannel>(channel: C, args: CallArgs<C> | null): Query<CallResult<C>> {
  const api = useApi();
  const version = useRoot((s) => s.dataVersion);
  const key = args === null ? null : JSON.stringify(args);
  // The answer is kept with the arguments it answers: after the arguments change (another
  // conversation opened), the old answer is never shown as the new one's, not even for a moment,
  // so nothing acts on the wrong record. A refresh of the same arguments keeps the old answer
  // on screen until the new one arrives.
  // A call prefetched for this view (see prefetch.ts) that has answered already shows at once.
  const [state, setState] = useState<Query<CallResult<C>> & { key: string | null }>(() => {
    const ready = key === null ? undefined : prefetchedValue(channel, key, version);
    return ready
      ? { data: ready.data, error: null, loading: false, key }
      : { data: null, error: null, loading: key !== null, key };
  });
  useEffect(() => {
    if (key === null) return;
    let live = true;
    const call = takePrefetched(channel, key, version) ?? api.call(channel, JSON.parse(key) as CallArgs<C>);
    call.then(
      // The answer the view already shows (a prefetched one) renders nothing again.
      (data) =>
        live &&
        setState((s) =>
          s.key === key && s.data === data && !s.loading && s.error === null
            ? s
            : { data, error: null, loading: false, key },
        ),
      (err: unknown) =>
        live &&
        setState((s) => ({
          ...(s.key === key ? s : { data: null }),
          error: err instanceof Error ? err.message : String(err),
          loading: false,
          key,
        })),
    );
    return () => {
      live = false;
    };
  }, [api, channel, key, version]);
  if (state.key !== key) return { data: null, error: null, loading: key !== null };
  return { data: state.data, error: state.error, loading: state.loading };
}
