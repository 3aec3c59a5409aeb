import { describe, expect, it } from 'vitest';
import type { SipAccountView } from '../../../shared/phone';
import type { SessionState } from '../../../shared/session';
import type { ApiClient } from '../../api/client';
import { createRootStore } from '../../store';
import { connectAtLaunch } from './connectAtLaunch';
import type { PhoneControls } from './phoneSlice';

const account = (connectAtLaunch: boolean | undefined): SipAccountView => ({
  account: {
    server: 'ws://127.0.0.1:5066',
    uri: 'sip:agent@switchboard.test',
    authUser: 'agent',
    displayName: 'Alex Agent',
    iceServers: [],
    region: 'US',
    dtmf: 'auto',
    dispositions: ['resolved'],
    ...(connectAtLaunch === undefined ? {} : { connectAtLaunch }),
  },
  password: 'keychain',
});

/** A store signed in (or not) with a phone that counts registrations, and main answering `view`. */
function setUp(view: () => SipAccountView, signedIn = true) {
  const store = createRootStore();
  let registers = 0;
  store.setState({
    session: { status: signedIn ? 'signedIn' : 'signedOut' } as SessionState,
    phoneCtl: {
      register: async () => {
        registers++;
        store.setState({ registration: 'registered' });
      },
    } as unknown as PhoneControls,
  });
  const api = { call: async () => view() } as unknown as ApiClient;
  return { store, check: connectAtLaunch(api, store), registers: () => registers };
}

describe('renderer/phone/connectAtLaunch', () => {
  it('connects once when the account asks for it, however often the session changes', async () => {
    const t = setUp(() => account(true));
    await Promise.all([t.check(), t.check()]);
    await t.check();
    expect(t.registers()).toBe(1);
    // Disconnected by hand later: a session change does not connect it again.
    t.store.setState({ registration: 'stopped' });
    await t.check();
    expect(t.registers()).toBe(1);
  });

  it('leaves an ordinary account (and a signed-out workstation) for the agent to connect', async () => {
    const plain = setUp(() => account(undefined));
    await plain.check();
    expect(plain.registers()).toBe(0);
    const out = setUp(() => account(true), false);
    await out.check();
    expect(out.registers()).toBe(0);
  });

  it('connects once the demo has provisioned the account after an earlier check', async () => {
    let view = account(undefined);
    const t = setUp(() => view);
    await t.check();
    view = account(true);
    await t.check();
    expect(t.registers()).toBe(1);
  });
});
