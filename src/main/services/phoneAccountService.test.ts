import { describe, expect, it } from 'vitest';
import type { SipAccount } from '../../shared/phone';
import type { SecretStore } from '../keychain/secretStore';
import { createSilentLogger } from '../base/logger';
import { tempDir } from '../store/testHelpers';
import { PhoneAccountService, sipSecretAccount } from './phoneAccountService';

/** A fake keychain in memory, shared by the workstations of one OS user as the real one is. */
function memoryKeychain(): SecretStore & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    get: (a) => items.get(a) ?? null,
    set: (a, s) => void items.set(a, s),
    delete: (a) => items.delete(a),
  };
}

const account = (user: string): SipAccount => ({
  server: 'wss://sip.example.com',
  uri: `sip:${user}@example.com`,
  authUser: user,
  displayName: '',
  iceServers: [],
  region: 'US',
  dtmf: 'auto',
  dispositions: ['resolved'],
});

describe('main/services/phoneAccountService', () => {
  it('keeps one SIP password per workstation in a keychain they share', () => {
    const keychain = memoryKeychain();
    const one = new PhoneAccountService(tempDir('sb-sip-a-'), keychain, createSilentLogger());
    const two = new PhoneAccountService(tempDir('sb-sip-b-'), keychain, createSilentLogger());
    one.save(account('agent1'), 'first password');
    two.save(account('agent2'), 'second password');
    expect(one.credentials().password).toBe('first password');
    expect(two.credentials().password).toBe('second password');
    expect(one.get().password).toBe('keychain');
    // Never in a file, and not under the old shared name.
    expect(keychain.items.has('sip-password')).toBe(false);
  });

  it('still finds a password saved under the old shared name until a new one is saved', () => {
    const keychain = memoryKeychain();
    const dir = tempDir('sb-sip-c-');
    const before = new PhoneAccountService(dir, null, createSilentLogger());
    before.save(account('agent1'));
    keychain.items.set('sip-password', 'saved by an older version');
    const phone = new PhoneAccountService(dir, keychain, createSilentLogger());
    expect(phone.credentials().password).toBe('saved by an older version');
    phone.save(account('agent1'), 'new password');
    expect(phone.credentials().password).toBe('new password');
    expect(keychain.items.get(sipSecretAccount(dir))).toBe('new password');
  });
});
