import type { Browser, BrowserContext, Page } from '@playwright/test';
import { expect } from '../fixtures';
import { DEMO_CALLER } from '../../src/relay/demo/phone';
import { DEMO_PASSWORD } from '../relay';
import type { RunningKamailio } from './kamailio';
import { openParty, type PartyServer } from './sipParty';
import { speakTone } from './tones';

// Shared by the phone specs: the agent's sign-in, the phone account form, and the far-end parties
// (plain pages running the same sip.js core) with their controls.

export function signInEnv(relayUrl: string, email: string, passphrase: string): Record<string, string> {
  return {
    SWITCHBOARD_RELAY_URL: relayUrl,
    SWITCHBOARD_LOGIN_EMAIL: email,
    SWITCHBOARD_LOGIN_PASSWORD: DEMO_PASSWORD,
    SWITCHBOARD_CACHE_PASSPHRASE: passphrase,
  };
}

export async function firstCustomerWithPhone(page: Page): Promise<{ name: string; phone: string }> {
  await page.getByRole('button', { name: 'Customers' }).click();
  const list = page.getByRole('list', { name: 'Customers' });
  await expect(list.getByRole('button').first()).toBeVisible();
  const items = await list.getByRole('button').allTextContents();
  const index = items.findIndex((t) => /\+1\d{10}/.test(t));
  expect(index, 'a seeded US customer').toBeGreaterThanOrEqual(0);
  await list.getByRole('button').nth(index).click();
  const name = (await page.getByRole('article').getByRole('heading', { level: 2 }).textContent())!;
  return { name, phone: /\+1\d{10}/.exec(items[index]!)![0] };
}

export type PhoneAccountFields = {
  /** WebSocket URL; Kamailio's ws:// listener unless given (e.g. its wss:// one). */
  server?: string;
  /** The SIP password typed into the form (kept in the keychain); Kamailio's for `user` unless given. */
  password?: string;
  /** Key tones: `info` (the default here) lets the far end, a browser page, observe the digits. */
  dtmf?: 'auto' | 'info';
};

/** Fills Phone › Phone account through the UI and saves it (the password goes to the keychain). */
export async function fillPhoneAccount(
  page: Page,
  kamailio: RunningKamailio,
  user: string,
  fields: PhoneAccountFields = {},
) {
  await page.getByRole('button', { name: 'Phone', exact: true }).click();
  await page.getByLabel('SIP server (WebSocket URL)').fill(fields.server ?? kamailio.wsUrl);
  await page.getByLabel('SIP address').fill(`sip:${user}@${kamailio.domain}`);
  await page.getByLabel('Authentication user').fill(user);
  await page.getByLabel('SIP password').fill(fields.password ?? kamailio.passwordFor(user));
  await page.getByLabel('Key tones (DTMF)').selectOption(fields.dtmf ?? 'info');
  await page.getByRole('button', { name: 'Save phone account' }).click();
  await expect(page.getByText('Phone account saved.')).toBeVisible();
}

/** Fills Phone › Phone account through the UI, connects, and waits until Kamailio registered it. */
export async function setUpPhone(
  page: Page,
  kamailio: RunningKamailio,
  user: string,
  fields: PhoneAccountFields = {},
) {
  await fillPhoneAccount(page, kamailio, user, fields);
  await page.getByRole('button', { name: 'Connect phone' }).click();
  await expect(page.getByRole('status', { name: 'Phone registration' })).toHaveText('Phone ready', {
    timeout: 15_000,
  });
}

export type Party = { page: Page; close: () => Promise<void> };

export async function startParty(
  browser: Browser,
  parties: PartyServer,
  kamailio: RunningKamailio,
  user: string,
  autoAnswer = false,
  iceTransportPolicy: 'all' | 'relay' = 'all',
  /**
   * `server`: Kamailio's ws:// listener unless given; `password`: Kamailio's for `user` unless
   * given; `registration`: the state to wait for (`registered` unless given);
   * `noTelephoneEvent`: its SDP offers and answers leave out telephone-event (no RFC 4733 DTMF),
   * as some desk phones and gateways do.
   */
  options: {
    server?: string;
    password?: string;
    registration?: 'registered' | 'failed' | 'reconnecting';
    noTelephoneEvent?: boolean;
    /** Its microphone is a sine tone of this frequency (e2e/support/tones.ts). */
    tone?: number;
  } = {},
): Promise<Party> {
  const ctx = await browser.newContext();
  if (options.noTelephoneEvent) await ctx.addInitScript(stripTelephoneEvent);
  if (options.tone) await speakTone(ctx, options.tone);
  const page = await ctx.newPage();
  await openParty(page, parties);
  if (process.env['PHONE_DEBUG']) page.on('console', (m) => console.log(`${user}: ${m.text()}`));
  await page.evaluate(
    ([server, uri, authUser, password, auto, policy]) =>
      (globalThis as unknown as PartyWindow).party.start(
        {
          server,
          uri,
          authUser,
          password,
          iceServers: [],
          iceTransportPolicy: policy,
          dtmf: 'info',
        },
        auto === 'yes',
      ),
    [
      options.server ?? kamailio.wsUrl,
      `sip:${user}@${kamailio.domain}`,
      user,
      options.password ?? kamailio.passwordFor(user),
      autoAnswer ? 'yes' : 'no',
      iceTransportPolicy,
    ] as const,
  );
  await expect
    .poll(() => partyState(page).then((s) => s.registration))
    .toBe(options.registration ?? 'registered');
  return { page, close: () => ctx.close() };
}

/**
 * The seeded demo caller (陈静, +8613800000000, the customer `relay seed` always writes) as a
 * far-end party registered under her number: the agent's screen-pop finds the same profile on
 * every run, so a call can be compared in a screenshot.
 */
export function startDemoCaller(browser: Browser, parties: PartyServer, kamailio: RunningKamailio) {
  return startParty(browser, parties, kamailio, DEMO_CALLER.phone);
}

/** Init script: the page's offers and answers lose their telephone-event codec before use. */
function stripTelephoneEvent() {
  const strip = (sdp: string) => {
    let out = sdp;
    for (const [, pt] of sdp.matchAll(/^a=rtpmap:(\d+) telephone-event\/\d+\r?$/gm)) {
      out = out.replace(new RegExp(`^a=(rtpmap|fmtp):${pt} .*\\r?\\n`, 'gm'), '');
      out = out.replace(/^(m=audio \S+ \S+)((?: \d+)+)/m, (_m, head: string, list: string) =>
        [
          head,
          ...list
            .trim()
            .split(' ')
            .filter((p) => p !== pt),
        ].join(' '),
      );
    }
    return out;
  };
  type Desc = { type: string; sdp: string };
  const proto = (
    globalThis as unknown as {
      RTCPeerConnection: {
        prototype: Record<'createOffer' | 'createAnswer', (...a: unknown[]) => Promise<Desc>>;
      };
    }
  ).RTCPeerConnection.prototype;
  for (const name of ['createOffer', 'createAnswer'] as const) {
    const original = proto[name];
    proto[name] = async function (this: unknown, ...a: unknown[]) {
      const d = await original.apply(this, a);
      return { type: d.type, sdp: strip(d.sdp) };
    };
  }
}

export type PartyCall = {
  id: string;
  state: string;
  direction: string;
  remoteUser: string;
  endReason: string | null;
};
export type PartyWindow = {
  party: {
    start: (c: object, auto: boolean) => Promise<void>;
    state: () => { registration: string; reconnected: number; calls: PartyCall[]; dtmf: string };
    live: () => PartyCall[];
    call: (target: string, headers?: string[]) => string;
    hangup: (id: string) => void;
    stats: (id: string) => Promise<{ bytesReceived: number; ice: string; direction: string }>;
  };
};
export const partyState = (p: Page) => p.evaluate(() => (globalThis as unknown as PartyWindow).party.state());
export const partyLive = (p: Page) => p.evaluate(() => (globalThis as unknown as PartyWindow).party.live());
export const partyCall = (p: Page, target: string, headers: string[] = []) =>
  p.evaluate(([t, h]) => (globalThis as unknown as PartyWindow).party.call(t, h), [target, headers] as const);
export const partyStats = (p: Page, id: string) =>
  p.evaluate((i) => (globalThis as unknown as PartyWindow).party.stats(i), id);

type DtmfSenderLike = EventTarget & { insertDTMF: (tones: string, ...rest: unknown[]) => void };

/**
 * Instruments an agent's pages: keeps their peer connections (with how many local descriptions
 * each set: every renegotiation sets one) for getStats and SDP checks, and records the DTMF their
 * audio senders play in-band (RTCDTMFSender fires `tonechange` as each tone starts going out as
 * RTP telephone-events, and once more with '' when its buffer is empty).
 */
export async function instrumentAgentPage(ctx: BrowserContext): Promise<void> {
  await ctx.addInitScript(() => {
    const w = globalThis as unknown as {
      RTCPeerConnection: new (...a: unknown[]) => { setLocalDescription(...a: unknown[]): Promise<void> };
      RTCDTMFSender: { prototype: DtmfSenderLike };
      __pcs: object[];
      __dtmfPlayed: string;
    };
    const Original = w.RTCPeerConnection;
    w.__pcs = [];
    w.RTCPeerConnection = class extends Original {
      localDescriptionsSet = 0;
      constructor(...a: unknown[]) {
        super(...a);
        w.__pcs.push(this);
      }
      override setLocalDescription(...a: unknown[]) {
        this.localDescriptionsSet++;
        return super.setLocalDescription(...a);
      }
    } as never;
    w.__dtmfPlayed = '';
    const proto = w.RTCDTMFSender.prototype;
    const insert = proto.insertDTMF;
    const watched = new WeakSet<object>();
    proto.insertDTMF = function (this: DtmfSenderLike, tones: string, ...rest: unknown[]) {
      if (!watched.has(this)) {
        watched.add(this);
        this.addEventListener('tonechange', (e) => {
          w.__dtmfPlayed += (e as Event & { tone: string }).tone;
        });
      }
      return insert.call(this, tones, ...rest);
    };
  });
}

type AgentPc = {
  localDescription: { sdp: string } | null;
  remoteDescription: { sdp: string } | null;
  signalingState: string;
  localDescriptionsSet: number;
  getSenders: () => {
    track: { id: string; kind: string; label: string; readyState: string } | null;
    dtmf: { toneBuffer: string } | null;
  }[];
};

/** The newest call's SDP on an instrumented agent page. */
export const agentSdp = (page: Page) =>
  page.evaluate(() => {
    const pc = (globalThis as unknown as { __pcs: AgentPc[] }).__pcs.at(-1);
    return { local: pc?.localDescription?.sdp ?? '', remote: pc?.remoteDescription?.sdp ?? '' };
  });

/** The tones the agent's page played in-band so far, and what its newest audio sender still has queued. */
export const agentDtmf = (page: Page) =>
  page.evaluate(() => {
    const g = globalThis as unknown as { __pcs: AgentPc[]; __dtmfPlayed: string };
    const sender = g.__pcs
      .at(-1)
      ?.getSenders()
      .find((x) => x.track?.kind === 'audio');
    return { played: g.__dtmfPlayed, buffer: sender?.dtmf?.toneBuffer ?? null };
  });

/** The newest call's audio sender on an instrumented agent page, and how often its SDP was set. */
export const agentSender = (page: Page) =>
  page.evaluate(() => {
    const pc = (globalThis as unknown as { __pcs: AgentPc[] }).__pcs.at(-1);
    const track = pc?.getSenders().find((x) => x.track?.kind === 'audio')?.track ?? null;
    return {
      trackId: track?.id ?? '',
      label: track?.label ?? '',
      localDescriptionsSet: pc?.localDescriptionsSet ?? 0,
      signalingState: pc?.signalingState ?? 'none',
    };
  });

/** Bytes of audio the agent's page has received on its calls (every peer connection it made). */
export async function agentBytesReceived(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const pcs = (globalThis as unknown as { __pcs?: RTCPeerConnectionLike[] }).__pcs ?? [];
    let total = 0;
    for (const pc of pcs) {
      const stats = await pc.getStats();
      stats.forEach((r: { type: string; kind?: string; bytesReceived?: number }) => {
        if (r.type === 'inbound-rtp' && r.kind === 'audio') total += r.bytesReceived ?? 0;
      });
    }
    return total;
  });
}
type RTCPeerConnectionLike = { getStats: () => Promise<{ forEach: (f: (r: never) => void) => void }> };

export const callCard = (page: Page) => page.getByRole('article', { name: /^Call with/ });

export async function wrapUp(page: Page, disposition: string) {
  const wrap = page.getByRole('form', { name: 'Wrap-up' });
  await wrap.getByLabel('Disposition').selectOption(disposition);
  await wrap.getByRole('button', { name: 'Save wrap-up' }).click();
  await expect(wrap).toHaveCount(0);
}
