import type { CallArgs, CallResult } from '../../shared/api';
import type { CallChannel } from '../../shared/channels';
import type { ApiClient } from '../api/client';

/** A call started before the view that needs it renders, for the data version it was asked at. */
type Entry = { version: number; at: number; promise: Promise<unknown>; value?: { data: unknown } };

/** Unclaimed answers are dropped after this long (the view that asked was never shown). */
const KEEP_MS = 5_000;
const entries = new Map<string, Entry>();

const keyOf = (channel: string, argsJson: string) => `${channel} ${argsJson}`;

/**
 * Starts `channel` now, so that the `useQuery` of a view about to render (a conversation opened
 * from the list: its thread and its customer's card) finds the call already under way instead of
 * asking only after React has rendered and committed. Answers for another data version are not
 * used; a failed call is left to the view to ask again.
 */
export function prefetch<C extends CallChannel>(
  api: ApiClient,
  channel: C,
  args: CallArgs<C>,
  version: number,
): void {
  const now = Date.now();
  for (const [k, e] of entries) if (now - e.at > KEEP_MS) entries.delete(k);
  const key = keyOf(channel, JSON.stringify(args));
  if (entries.get(key)?.version === version) return;
  const entry: Entry = { version, at: now, promise: api.call(channel, args) };
  entry.promise.then(
    (data) => void (entry.value = { data }),
    () => entries.get(key) === entry && entries.delete(key),
  );
  entries.set(key, entry);
}

/** The answer already in for this call and version (a view can show it at once), if any. */
export function prefetchedValue<C extends CallChannel>(
  channel: C,
  argsJson: string,
  version: number,
): { data: CallResult<C> } | undefined {
  const e = entries.get(keyOf(channel, argsJson));
  return e && e.version === version ? (e.value as { data: CallResult<C> } | undefined) : undefined;
}

/** Takes the prefetched call for this call and version (each is used once), if any. */
export function takePrefetched<C extends CallChannel>(
  channel: C,
  argsJson: string,
  version: number,
): Promise<CallResult<C>> | undefined {
  const key = keyOf(channel, argsJson);
  const e = entries.get(key);
  if (!e || e.version !== version) return undefined;
  entries.delete(key);
  return e.promise as Promise<CallResult<C>>;
}
