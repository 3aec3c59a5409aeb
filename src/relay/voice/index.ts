import type { Logger } from '../core/logger';
import { createCallQueue, type CallQueueDeps } from './callQueue';
import { createEvapiClient } from './evapiClient';

export type VoiceOptions = {
  /**
   * `host:port` of Kamailio's evapi socket (deploy/kamailio/switchboard.cfg with WITH_QUEUES):
   * the relay connects there and routes the calls of queues with a phone address. Loopback in
   * every supported setup. Default: none (calls are not queued).
   */
  kamailioEvapi?: string;
  /** Largest evapi frame accepted. Default 64 KiB. */
  maxFrameBytes?: number;
};

/** Parses `host:port`; throws with what to write instead. */
export function parseEvapiAddress(v: string): { host: string; port: number } {
  const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(v.trim());
  const port = m ? Number(m[2]) : 0;
  if (!m || port < 1 || port > 65535)
    throw new Error(`voice.kamailioEvapi must be host:port (e.g. 127.0.0.1:8448), not "${v}".`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

/** The relay's voice side: the evapi connection to Kamailio and the call queue behind it. */
export function createVoice(o: VoiceOptions, d: Omit<CallQueueDeps, 'send'> & { log: Logger }) {
  if (!o.kamailioEvapi) return null;
  const addr = parseEvapiAddress(o.kamailioEvapi);
  const queue = createCallQueue({ ...d, send: (msg) => client.send(msg) });
  const client = createEvapiClient({
    ...addr,
    log: d.log,
    onMessage: (msg) => queue.onMessage(msg),
    onConnected: () => queue.onConnected(),
    ...(o.maxFrameBytes ? { maxFrameBytes: o.maxFrameBytes } : {}),
  });
  return {
    queue,
    get connected() {
      return client.connected;
    },
    /** Stops the queue and the connection; resolves once the queue's steps under way have run. */
    close(): Promise<void> {
      const idle = queue.close();
      client.close();
      return idle;
    },
  };
}
