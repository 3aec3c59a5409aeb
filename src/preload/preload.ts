// Sandboxed preload: exposes the typed app API on `window.switchboard` and nothing else.
// It marshals and checks channel names; it decides nothing.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isCallChannel, isEventChannel } from '../shared/channels';
import { API_ERR } from '../shared/errors';

const api = {
  invoke(channel: string, args?: unknown): Promise<unknown> {
    if (!isCallChannel(channel)) {
      return Promise.resolve({
        ok: false,
        error: {
          code: API_ERR.UNKNOWN_CHANNEL,
          message: `Unknown API channel "${String(channel).slice(0, 80)}".`,
        },
      });
    }
    return ipcRenderer.invoke(channel, args);
  },
  on(event: string, listener: (payload: unknown) => void): () => void {
    if (!isEventChannel(event)) throw new Error(`Unknown API event "${String(event).slice(0, 80)}".`);
    const wrapped = (_e: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(event, wrapped);
    return () => {
      ipcRenderer.removeListener(event, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('switchboard', api);
