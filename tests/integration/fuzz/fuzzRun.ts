// Batches of fuzzed input against the world's relay process. After every batch: the process is
// alive, /healthz is 200, nothing was answered 5xx (or left unanswered), no frame got
// RELAY_ERR_INTERNAL, and a batch in which nothing was accepted left the shared data unchanged.
import fc from 'fast-check';
import WebSocket from 'ws';
import { httpRequestArb, roleArb, upgradeArb, type Role } from './arbitraries';
import { syncFrameArb, widgetFrameArb } from './frameArbitraries';
import { rawRequest } from './rawClient';
import type { World } from './world';

/** How much one batch sends. */
export type BatchSize = {
  http: number;
  upgrades: number;
  syncSessions: number;
  framesPerSession: number;
  widgetSessions: number;
};

export type FuzzStats = {
  batches: number;
  requests: number;
  upgrades: number;
  syncFrames: number;
  widgetFrames: number;
  /** Units of input (a request, a socket session) with no accepted write whose data was checked unchanged. */
  untouchedChecked: number;
  accepted: number;
  /** Units whose socket the relay closed before everything was answered: not checked. */
  unknown: number;
};

/** An offer id no offer has: accepting it is answered `offerResult` (assigned false), after every earlier frame. */
const PROBE_OFFER = '00000000-0000-4000-8000-000000000000';
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
const isInternal = (f: { t?: unknown; code?: unknown }) => f.t === 'error' && f.code === 'RELAY_ERR_INTERNAL';

/** Opens a socket, sends the frames, waits for the relay to settle, and answers what came back. */
function session(
  url: string,
  opening: string | null,
  frames: string[],
  probe: string | null,
): Promise<{ frames: Record<string, unknown>[]; close: number | null; answered: boolean }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    const got: Record<string, unknown>[] = [];
    let close: number | null = null;
    let settled = false;
    const done = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.terminate();
      resolve({ frames: got, close, answered });
    };
    const timer = setTimeout(done, 10_000);
    let probed = false;
    let answered = false;
    ws.on('message', (d) => {
      let f: Record<string, unknown>;
      try {
        f = JSON.parse(d.toString()) as Record<string, unknown>;
      } catch {
        f = { t: 'unreadable' };
      }
      got.push(f);
      // The probe's answer means every frame before it was handled (frames are handled in order).
      if (probed && f['t'] === 'offerResult' && f['offerId'] === PROBE_OFFER) {
        answered = true;
        setTimeout(done, 50);
      }
    });
    ws.on('close', (code) => {
      close = code;
      done();
    });
    ws.on('error', () => done());
    ws.on('open', () => {
      if (opening) ws.send(opening);
      for (const f of frames) ws.send(f);
      if (probe) {
        probed = true;
        ws.send(probe);
      } else setTimeout(done, 400);
    });
  });
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(what);
}

/** Runs one batch with fast-check seed `seed`; throws with the counterexample on a failure. */
export async function runBatch(w: World, seed: number, size: BatchSize, stats: FuzzStats): Promise<void> {
  const { relay, pools } = w;
  const opts = (numRuns: number, offset: number) => ({
    seed: seed * 8 + offset,
    numRuns,
    endOnFailure: true,
    includeErrorInReport: true,
  });
  /** Runs one unit of input; unless it reports an accepted write, the shared data must not move. */
  const unit = async (what: () => string, run: () => Promise<number>, except?: string) => {
    const before = w.fingerprint(except);
    const accepted = await run();
    if (accepted < 0) stats.unknown += 1;
    else stats.accepted += accepted;
    if (accepted !== 0) return;
    const after = w.fingerprint(except);
    const moved = [...new Set([...before.keys(), ...after.keys()])].filter(
      (k) => before.get(k) !== after.get(k),
    );
    check(
      moved.length === 0,
      `data changed without an accepted write (${moved
        .slice(0, 3)
        .map((k) => `${k}: ${String(before.get(k)).slice(0, 200)} -> ${String(after.get(k)).slice(0, 200)}`)
        .join('; ')}) after ${what()}`,
    );
    stats.untouchedChecked += 1;
  };

  await fc.assert(
    fc.asyncProperty(httpRequestArb(pools), (req) => {
      const what = () => `${req.method} ${req.target.slice(0, 200)}`;
      return unit(what, async () => {
        const a = await rawRequest(relay.port, req);
        stats.requests += 1;
        check(a.status !== 0, `no answer to ${what()}`);
        check(a.status < 500, `${a.status} for ${what()}: ${a.body.slice(0, 300)}`);
        return a.status < 300 && !READS.has(req.method) ? 1 : 0;
      });
    }),
    opts(size.http, 0),
  );

  await fc.assert(
    fc.asyncProperty(upgradeArb(pools), (req) => {
      const what = () => `the upgrade of ${req.target.slice(0, 200)}`;
      return unit(what, async () => {
        const a = await rawRequest(relay.port, req);
        stats.upgrades += 1;
        check(a.status !== 0, `no answer to ${what()}`);
        check(a.status < 500, `${a.status} for ${what()}: ${a.body.slice(0, 300)}`);
        return 0;
      });
    }),
    opts(size.upgrades, 1),
  );

  await fc.assert(
    fc.asyncProperty(
      roleArb,
      fc.array(syncFrameArb(pools), { minLength: 1, maxLength: size.framesPerSession }),
      (role: Role, frames) =>
        unit(
          () => `sync frames as ${role}: ${frames.map((f) => f.slice(0, 100)).join(' | ')}`,
          async () => {
            const token =
              role === 'anonymous' ? null : role === 'garbage' ? 'not-a-token' : pools.tokens[role];
            const hello =
              token === null
                ? null
                : JSON.stringify({ t: 'hello', protocol: 1, accessToken: token, cursor: 0 });
            // Signed in: a last frame whose answer comes after every frame before it was handled.
            const probe =
              token === null || role === 'garbage'
                ? null
                : JSON.stringify({ t: 'offerReply', offerId: PROBE_OFFER, accept: true });
            const s = await session(relay.wsUrl, hello, frames, probe);
            stats.syncFrames += frames.length + (hello ? 1 : 0);
            const bad =
              s.frames.find(isInternal) ??
              s.frames.find((f) => JSON.stringify(f['results'] ?? []).includes('RELAY_ERR_INTERNAL'));
            check(!bad, `RELAY_ERR_INTERNAL as ${role}: ${JSON.stringify(bad ?? null).slice(0, 300)}`);
            check(s.close !== 1011, `sync socket closed 1011 (internal) as ${role}`);
            if (probe && !s.answered) {
              // Closed by the relay before the probe's answer (a reauth as someone else, too many
              // frames): a push before that may have been applied without its answer reaching us.
              // Let the relay settle and count the unit as unknown.
              await fetch(`${relay.url}/healthz`);
              return -1;
            }
            let applied = 0;
            for (const f of s.frames)
              if (f['t'] === 'pushResult')
                applied += (f['results'] as { status: string }[]).filter(
                  (r) => r.status === 'applied',
                ).length;
            return applied;
          },
        ),
    ),
    opts(size.syncSessions, 2),
  );

  await fc.assert(
    fc.asyncProperty(fc.array(widgetFrameArb(pools), { minLength: 1, maxLength: 10 }), async (frames) => {
      // Starting a chat makes a customer (a legitimate write); over the session rate, reuse one.
      const r = await fetch(`${relay.url}/v1/widget/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ inboxId: pools.inboxes[0], name: 'Fuzz visitor' }),
      });
      check(r.status < 500, `${r.status} starting a chat`);
      if (r.status === 201) visitor = ((await r.json()) as { token: string }).token;
      if (!visitor) return;
      const token = visitor;
      // A visitor may write into its own conversation and nothing else: the rest must not move.
      const cust = (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { cust: string })
        .cust;
      await unit(
        () => `widget frames: ${frames.map((f) => f.slice(0, 100)).join(' | ')}`,
        async () => {
          const url = `${relay.url.replace('http:', 'ws:')}/v1/widget/socket?token=${token}`;
          const s = await session(url, null, frames, null);
          stats.widgetFrames += frames.length;
          const bad = s.frames.find(isInternal);
          check(!bad, `RELAY_ERR_INTERNAL on the widget socket: ${JSON.stringify(bad ?? null)}`);
          check(s.close !== 1011, 'widget socket closed 1011 (internal)');
          return 0;
        },
        cust,
      );
    }),
    opts(size.widgetSessions, 3),
  );

  check(relay.alive(), `the relay process died:\n${relay.stderr().slice(-3000)}`);
  const health = await fetch(`${relay.url}/healthz`);
  check(health.status === 200, `/healthz answered ${health.status}`);
  stats.batches += 1;
}

/** The last visitor token started, reused while the relay's chat-start rate says wait. */
let visitor: string | null = null;

/** Runs batches until `maxBatches` or `deadline` (ms since epoch), renewing tokens as they age. */
export async function runFuzz(
  w: World,
  o: { seed: number; maxBatches: number; deadline: number; size: BatchSize },
) {
  const stats: FuzzStats = {
    batches: 0,
    requests: 0,
    upgrades: 0,
    syncFrames: 0,
    widgetFrames: 0,
    untouchedChecked: 0,
    accepted: 0,
    unknown: 0,
  };
  let renewedAt = Date.now();
  for (let b = 0; b < o.maxBatches && Date.now() < o.deadline; b++) {
    if (Date.now() - renewedAt > 10 * 60_000) {
      await w.renew();
      renewedAt = Date.now();
    }
    try {
      await runBatch(w, o.seed + b, o.size, stats);
    } catch (err) {
      throw new Error(
        `fuzz batch ${b} (replay: npm run fuzz -- --seed ${o.seed}) failed: ${(err as Error).message}`,
      );
    }
  }
  return stats;
}
