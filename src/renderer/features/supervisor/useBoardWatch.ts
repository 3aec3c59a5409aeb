import { useEffect } from 'react';
import { useApi, useRoot } from '../../app/context';

/**
 * Watches the live board while the calling view is mounted: main says `watch` to the relay (and
 * again after every reconnect), the relay pushes boards (and tells when the board lost scope),
 * bootstrap puts them in the store.
 */
export function useBoardWatch(): void {
  const api = useApi();
  const setBoard = useRoot((s) => s.setBoard);
  const setError = useRoot((s) => s.setError);
  const setLost = useRoot((s) => s.setBoardAccessLost);
  useEffect(() => {
    let live = true;
    api.call('supervisor:watch', { on: true }).then(
      (r) => {
        if (!live) return;
        if (r.board) setBoard(r.board);
        setLost(r.accessLost);
      },
      (err: unknown) => live && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
      void api.call('supervisor:watch', { on: false }).catch(() => undefined);
      setBoard(null);
      setLost(null);
    };
  }, [api, setBoard, setError, setLost]);
}
