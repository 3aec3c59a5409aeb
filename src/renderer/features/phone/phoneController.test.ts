// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import type { ApiClient } from '../../api/client';
import { createRootStore } from '../../store';
import { connectPhone } from './phoneController';

/** Main answering the phone's calls; `credentials` decides how reading the account goes. */
function setUp(credentials: () => Promise<unknown>) {
  const store = createRootStore();
  let asked = false;
  const api = {
    call: (channel: string) => {
      if (channel !== 'phone:getCredentials') return Promise.resolve(null);
      asked = true;
      return credentials();
    },
    on: () => () => {},
  } as unknown as ApiClient;
  const ctl = connectPhone(api, store);
  return { store, ctl, asked: () => vi.waitFor(() => expect(asked).toBe(true)) };
}

describe('renderer/phone/phoneController', () => {
  it('shows connecting from the click on, and a failure to read the account as the registration’s, with its reason', async () => {
    let fail: (err: Error) => void = () => {};
    const t = setUp(() => new Promise((_, reject) => (fail = reject)));
    const connecting = t.ctl.register();
    await t.asked();
    expect(t.store.getState().registration).toBe('connecting');
    fail(new Error('Enter the phone account password in Settings.'));
    await connecting;
    expect(t.store.getState()).toMatchObject({
      registration: 'failed',
      registrationError: 'Enter the phone account password in Settings.',
    });
  });

  it('a disconnect while the account is still being read leaves the phone stopped', async () => {
    let answer: (v: unknown) => void = () => {};
    const t = setUp(() => new Promise((resolve) => (answer = resolve)));
    const connecting = t.ctl.register();
    await t.asked();
    await t.ctl.unregister();
    expect(t.store.getState().registration).toBe('stopped');
    answer({
      server: 'ws://127.0.0.1:9',
      uri: 'sip:agent@switchboard.test',
      authUser: 'agent',
      password: 'secret',
      displayName: 'Alex Agent',
      iceServers: [],
      region: 'US',
      dtmf: 'auto',
      dispositions: ['resolved'],
    });
    await connecting;
    // The connect that lost the race started nothing.
    expect(t.store.getState().registration).toBe('stopped');
  });
});
