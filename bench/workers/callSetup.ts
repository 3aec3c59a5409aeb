// Bench worker for call.setup_p95_ms: Debian's Kamailio (deploy/kamailio/switchboard.cfg, ws on
// loopback, digest auth on REGISTER and INVITE) and two headless Chromium pages running the app's
// SIP core with fake media. Times
// INVITE sent → "established" at the caller (the caller's own timestamps), after one warm-up call.
// Prints one JSON line: {calls, p50, p95}.
import { chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_MEDIA_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';
import { kamailioMissing, startKamailio } from '../../e2e/support/kamailio';
import { openParty, startPartyServer } from '../../e2e/support/sipParty';

const CALLS = 30;
type Snap = { id: string; state: string; startedAt: number; answeredAt: number | null };
type W = {
  party: {
    start: (c: object, auto: boolean) => Promise<void>;
    state: () => { registration: string; calls: Snap[] };
    call: (t: string) => string;
    hangup: (id: string) => void;
  };
};

async function main(): Promise<void> {
  const missing = kamailioMissing();
  if (missing) throw new Error(missing);
  const kamailio = await startKamailio();
  const server = await startPartyServer();
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, ...CHROMIUM_MEDIA_ARGS],
  });
  try {
    const party = async (user: string, auto: boolean): Promise<Page> => {
      const page = await (await browser.newContext()).newPage();
      await openParty(page, server);
      await page.evaluate(
        ([s, u, au, pw, a]) =>
          (globalThis as unknown as W).party.start(
            { server: s, uri: u, authUser: au, password: pw, iceServers: [], dtmf: 'info' },
            a === 'y',
          ),
        [
          kamailio.wsUrl,
          `sip:${user}@${kamailio.domain}`,
          user,
          kamailio.passwordFor(user),
          auto ? 'y' : 'n',
        ] as const,
      );
      await page.waitForFunction('window.party.state().registration === "registered"');
      return page;
    };
    const caller = await party('1000', false);
    await party('2000', true);
    const setups: number[] = [];
    for (let i = 0; i <= CALLS; i++) {
      const id = await caller.evaluate(
        (t) => (globalThis as unknown as W).party.call(t),
        `sip:2000@${kamailio.domain}`,
      );
      await caller.waitForFunction(
        (cid) =>
          (globalThis as unknown as W).party
            .state()
            .calls.some((c) => c.id === cid && c.state === 'established'),
        id,
      );
      const snap = await caller.evaluate(
        (cid) => (globalThis as unknown as W).party.state().calls.find((c) => c.id === cid)!,
        id,
      );
      if (i > 0) setups.push(snap.answeredAt! - snap.startedAt);
      await caller.evaluate((cid) => (globalThis as unknown as W).party.hangup(cid), id);
      await caller.waitForFunction(
        (cid) =>
          (globalThis as unknown as W).party.state().calls.some((c) => c.id === cid && c.state === 'ended'),
        id,
      );
    }
    setups.sort((a, b) => a - b);
    const pct = (p: number) => setups[Math.min(setups.length - 1, Math.floor((p / 100) * setups.length))]!;
    process.stdout.write(JSON.stringify({ calls: setups.length, p50: pct(50), p95: pct(95) }) + '\n');
  } finally {
    await browser.close();
    await server.close();
    await kamailio.stop();
  }
}

void main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
