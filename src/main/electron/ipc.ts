import { ipcMain, type WebContents } from 'electron';
import { CALL_CHANNELS } from '../../shared/channels';
import { API_ERR } from '../../shared/errors';
import type { Dispatch } from '../api/dispatcher';
import { isAppUrl } from '../security/policy';
import type { Services } from '../services';

/** Registers one IPC handler per call of the contract and forwards events to `target()`. */
export function registerIpc(dispatch: Dispatch, services: Services, target: () => WebContents | null): void {
  for (const channel of CALL_CHANNELS) {
    ipcMain.handle(channel, (event, args: unknown) => {
      // Only the app's own frames may call; a navigated-away or injected frame may not.
      const url = event.senderFrame?.url ?? '';
      if (!isAppUrl(url)) {
        return {
          ok: false,
          error: { code: API_ERR.UNAUTHORIZED, message: 'Calls are accepted only from the app.' },
        };
      }
      return dispatch(channel, args);
    });
  }
  services.events.subscribe((event, payload) => {
    const wc = target();
    if (wc && !wc.isDestroyed()) wc.send(event, payload);
  });
}
