import { useEffect } from 'react';
import { useApi, useRoot } from '../../app/context';

/**
 * Watches the live board while the calling view is mounted: main says `watch` to the relay (and
 * again after every reconnect), the relay pushes boards, bootstrap puts them in the store.
 */
export function useBoardWatch(): void {
  const api = useApi();
  const setBoard = useRoot((s) => s.setBoard);
  const setError = useRoot((s) => s.setError);
  useEffect(() => {
    let live = true;
    api.call('supervisor:watch', { on: true }).then(
      (r) => live && r.board && setBoard(r.board),
      (err: unknown) => live && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
      void api.call('supervisor:watch', { on: false }).catch(() => undefined);
      setBoard(null);
    };
  }, [api, setBoard, setError]);
}
