import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { prng } from '../../src/shared/prng';

export { prng };

export type ChaosOptions = {
  /** Where the proxy forwards (the relay). */
  targetPort: number;
  targetHost?: string;
  seed: number;
  /** Per chunk: probability of delaying it (up to maxDelayMs). */
  delay?: number;
  maxDelayMs?: number;
  /** Per chunk: probability of cutting the connection after forwarding only part of the chunk. */
  truncate?: number;
  /** Per chunk: probability of resetting (RST) both sides. */
  reset?: number;
  /** Per chunk: probability of dropping the chunk and closing quietly (FIN). */
  drop?: number;
};

export type ChaosProxy = {
  port: number;
  /** While down, new connections are refused and live ones are reset: the network is gone. */
  setDown(down: boolean): void;
  /** Faults injected so far, by kind. */
  faults: Record<'delay' | 'truncate' | 'reset' | 'drop', number>;
  close(): Promise<void>;
};

/**
 * A loopback TCP proxy that injects faults between apps and the relay: delays, truncated
 * writes, resets and quiet drops, decided per chunk by a seeded PRNG. Bytes are never reordered
 * within a connection (TCP would not), so every fault is one the real network can produce.
 */
export async function startChaosProxy(o: ChaosOptions): Promise<ChaosProxy> {
  const rnd = prng(o.seed);
  const faults = { delay: 0, truncate: 0, reset: 0, drop: 0 };
  const live = new Set<Socket>();
  let down = false;

  const pipe = (from: Socket, to: Socket, kill: () => void) => {
    let chain = Promise.resolve();
    from.on('data', (chunk: Buffer) => {
      const r = rnd();
      let action: 'pass' | 'delay' | 'truncate' | 'reset' | 'drop' = 'pass';
      let acc = 0;
      for (const [kind, p] of [
        ['reset', o.reset ?? 0],
        ['truncate', o.truncate ?? 0],
        ['drop', o.drop ?? 0],
        ['delay', o.delay ?? 0],
      ] as const) {
        acc += p;
        if (r < acc) {
          action = kind;
          break;
        }
      }
      const wait = action === 'delay' ? Math.floor(rnd() * (o.maxDelayMs ?? 200)) : 0;
      chain = chain.then(async () => {
        if (to.destroyed) return;
        switch (action) {
          case 'pass':
            to.write(chunk);
            return;
          case 'delay':
            faults.delay++;
            from.pause();
            await new Promise((r2) => setTimeout(r2, wait));
            from.resume();
            if (!to.destroyed) to.write(chunk);
            return;
          case 'truncate':
            faults.truncate++;
            to.write(chunk.subarray(0, Math.floor(chunk.length / 2)));
            kill();
            return;
          case 'reset':
            faults.reset++;
            kill();
            return;
          case 'drop':
            faults.drop++;
            from.end();
            to.end();
            return;
        }
      });
    });
  };

  const server: Server = createServer((client) => {
    if (down) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(o.targetPort, o.targetHost ?? '127.0.0.1');
    live.add(client);
    live.add(upstream);
    const kill = () => {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    };
    const forget = () => {
      live.delete(client);
      live.delete(upstream);
    };
    client.on('error', kill);
    upstream.on('error', kill);
    client.on('close', () => {
      upstream.destroy();
      forget();
    });
    upstream.on('close', () => {
      client.destroy();
      forget();
    });
    pipe(client, upstream, kill);
    pipe(upstream, client, kill);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));

  return {
    port: (server.address() as AddressInfo).port,
    faults,
    setDown(d: boolean) {
      down = d;
      if (d) for (const s of live) s.resetAndDestroy();
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of live) s.destroy();
        server.close(() => r());
      }),
  };
}
