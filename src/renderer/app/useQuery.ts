import { useEffect, useState } from 'react';
import type { CallArgs, CallResult } from '../../shared/api';
import type { CallChannel } from '../../shared/channels';
import { useApi, useRoot } from './context';

export type Query<T> = { data: T | null; error: string | null; loading: boolean };

/**
 * Calls the app API and calls again whenever local data changes (`data:changed`), so views show
 * the cache as it is now. `args` null skips the call. Keys on the JSON of the arguments.
 */
export function useQuery<C extends CallChannel>(channel: C, args: CallArgs<C> | null): Query<CallResult<C>> {
  const api = useApi();
  const version = useRoot((s) => s.dataVersion);
  const key = args === null ? null : JSON.stringify(args);
  const [state, setState] = useState<Query<CallResult<C>>>({
    data: null,
    error: null,
    loading: key !== null,
  });
  useEffect(() => {
    if (key === null) return;
    let live = true;
    api.call(channel, JSON.parse(key) as CallArgs<C>).then(
      (data) => live && setState({ data, error: null, loading: false }),
      (err: unknown) =>
        live &&
        setState((s) => ({ ...s, error: err instanceof Error ? err.message : String(err), loading: false })),
    );
    return () => {
      live = false;
    };
  }, [api, channel, key, version]);
  return state;
}
