// A plain page that runs the app's own SIP phone core (sip.js) as a customer or a third party in
// the end-to-end tests: no app, no relay, just a SIP endpoint that Playwright drives through
// `window.party`. Bundled by e2e/support/sipParty.ts.
import {
  SipPhone,
  type CallSnapshot,
  type Registration,
  type SipConfig,
} from '../../../src/renderer/features/phone/sipPhone';

type PartyState = { registration: Registration; reconnected: number; calls: CallSnapshot[]; dtmf: string };

const state: PartyState = { registration: 'stopped', reconnected: 0, calls: [], dtmf: '' };
let phone: SipPhone | null = null;

function upsert(c: CallSnapshot) {
  state.calls = [...state.calls.filter((x) => x.id !== c.id), c];
}

const party = {
  async start(config: SipConfig, autoAnswer = false) {
    phone = new SipPhone(
      config,
      {
        onRegistration: (r, d) => {
          state.registration = r;
          if (d.reconnected) state.reconnected++;
        },
        onCall: (c) => {
          upsert(c);
          if (autoAnswer && c.direction === 'in' && c.state === 'ringing') void phone?.answer(c.id);
        },
        onDtmf: (_id, tone) => {
          state.dtmf += tone;
        },
      },
      { log: (level, msg) => console.log(`[party ${level}] ${msg}`) },
    );
    await phone.start();
  },
  state: () => JSON.parse(JSON.stringify(state)) as PartyState,
  live: () => state.calls.filter((c) => c.state !== 'ended'),
  call: (target: string, headers: string[] = []) => phone!.call(target, headers),
  answer: (id: string) => phone!.answer(id),
  hangup: (id: string) => phone!.hangup(id),
  hold: (id: string, on: boolean) => phone!.hold(id, on),
  dtmf: (id: string, tones: string) => phone!.dtmf(id, tones),
  stats: (id: string) => phone!.mediaStats(id),
  stop: () => phone?.stop(),
};

(window as unknown as { party: typeof party }).party = party;
