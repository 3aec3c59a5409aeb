import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import { encodeNetstring, NetstringDecoder } from '../../../src/relay/voice/netstring';
import { prng } from '../../support/chaosProxy';
import { http, startTestRelay } from '../relay/helpers';

// Whatever arrives on the evapi socket, the relay keeps serving: a listener stands in for
// Kamailio's evapi port (a real socket the relay connects to) and sends bounded garbage (random
// bytes, broken netstrings, JSON of every wrong shape), then one well-formed question. The relay
// still answers it and still serves HTTP.

let relay: Relay & { dataDir: string };
let peer: Socket;
const received: unknown[] = [];
const server = createServer();

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const connected = new Promise<Socket>((r) => server.once('connection', r));
  relay = await startTestRelay({ voice: { kamailioEvapi: `127.0.0.1:${port}`, maxFrameBytes: 4096 } });
  peer = await connected;
  const dec = new NetstringDecoder(1 << 20);
  peer.on('data', (b: Buffer) => {
    for (const e of dec.push(b)) if ('frame' in e) received.push(JSON.parse(e.frame));
  });
});

afterAll(async () => {
  peer?.destroy();
  await relay?.close();
  server.close();
});

describe('evapi garbage', () => {
  it('drops bad frames one by one and still answers a good one', async () => {
    const rnd = prng(11);
    const shapes: unknown[] = [
      null,
      42,
      'queued',
      [],
      {},
      { t: 'queued' },
      { t: 'queued', callId: 5, tindex: 'x', tlabel: -1 },
      { t: 'queued', callId: 'a', from: {}, to: [], tindex: 1, tlabel: 2 },
      { t: 'declined', callId: 'never-seen', code: 486, tindex: 1, tlabel: 1 },
      { t: 'answered', callId: 'never-seen', tindex: 1, tlabel: 1 },
      { t: 'bye', callId: 'never-seen' },
      { t: 'cancel', callId: 'x'.repeat(10_000) },
      { t: 'route', target: 'sip:evil@example.com' },
      { __proto__: { t: 'queued' } },
    ];
    for (let i = 0; i < 300; i++) {
      const k = i % 4;
      if (k === 0)
        peer.write(
          Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 64) }, () => Math.floor(rnd() * 256))),
        );
      else if (k === 1) peer.write(['99999999999:x,', '5:abc,', ':', '3:abcd', '2:{},,', '-1:x,'][i % 6]!);
      else if (k === 2) peer.write(encodeNetstring('{not json' + String(i)));
      else peer.write(encodeNetstring(JSON.stringify(shapes[i % shapes.length])));
    }
    // Resynchronise on a frame boundary, then ask a real question.
    peer.write(',');
    peer.write(
      encodeNetstring(
        JSON.stringify({
          t: 'queued',
          callId: 'c1',
          from: 'sip:+8613800000000@carrier.test',
          to: 'sip:nobody@x',
          tindex: 7,
          tlabel: 9,
        }),
      ),
    );
    for (let i = 0; i < 200 && !received.some((m) => (m as { tindex?: number }).tindex === 7); i++)
      await new Promise((r) => setTimeout(r, 25));
    expect(received).toContainEqual({
      t: 'reject',
      tindex: 7,
      tlabel: 9,
      code: 404,
      reason: 'No such queue',
    });
    expect((await http(relay, 'GET', '/healthz')).status).toBe(200);
  });
});
