import { describe, expect, it } from 'vitest';
import type { SipAccount } from '../../shared/phone';
import type { SecretStore } from '../keychain/secretStore';
import { createSilentLogger } from '../base/logger';
import { tempDir } from '../store/testHelpers';
import { PhoneAccountService, sipSecretAccount } from './phoneAccountService';
import { provisionDemoPhone } from './demoPhone';

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

  it("sets up the demo's SIP account to connect at launch, switches demo users, and leaves an own account alone", () => {
    const keychain = memoryKeychain();
    const dir = tempDir('sb-sip-d-');
    const log = createSilentLogger();
    const demo = {
      'agent@demo.switchboard': {
        server: 'ws://127.0.0.1:5066',
        uri: 'sip:agent@switchboard.test',
        authUser: 'agent',
        password: 'pw-agent',
      },
      'agent2@demo.switchboard': {
        server: 'ws://127.0.0.1:5066',
        uri: 'sip:agent2@switchboard.test',
        authUser: 'agent2',
        password: 'pw-agent2',
      },
    };
    const phone = new PhoneAccountService(dir, keychain, log, 'kamailio-extra-modules');
    expect(phone.get().pbxMissing).toBe('kamailio-extra-modules');
    provisionDemoPhone(phone, demo, 'agent@demo.switchboard', 'Alex Agent', log);
    expect(phone.get()).toMatchObject({
      account: { uri: 'sip:agent@switchboard.test', displayName: 'Alex Agent', connectAtLaunch: true },
      password: 'keychain',
    });
    expect(phone.get().pbxMissing).toBeUndefined();
    expect(phone.credentials().password).toBe('pw-agent');
    // A restart of npm start on another port: the same account follows it, settings kept.
    phone.save({ ...phone.get().account!, region: 'CN' });
    provisionDemoPhone(
      phone,
      {
        ...demo,
        'agent@demo.switchboard': { ...demo['agent@demo.switchboard'], server: 'ws://127.0.0.1:6000' },
      },
      'agent@demo.switchboard',
      'Alex Agent',
      log,
    );
    expect(phone.get().account).toMatchObject({ server: 'ws://127.0.0.1:6000', region: 'CN' });
    // Another demo user signs in on this workstation: their account replaces the demo one.
    provisionDemoPhone(phone, demo, 'agent2@demo.switchboard', '李娜', log);
    expect(new PhoneAccountService(dir, keychain, log).credentials()).toMatchObject({
      uri: 'sip:agent2@switchboard.test',
      password: 'pw-agent2',
    });
    // An account the agent set up themselves is theirs; the demo never overwrites it.
    phone.save(account('own'), 'own password');
    provisionDemoPhone(phone, demo, 'agent@demo.switchboard', 'Alex Agent', log);
    expect(phone.credentials()).toMatchObject({ uri: 'sip:own@example.com', password: 'own password' });
    // Someone who is not a demo user gets nothing.
    const other = new PhoneAccountService(tempDir('sb-sip-e-'), keychain, log);
    provisionDemoPhone(other, demo, 'someone@example.com', 'Someone', log);
    expect(other.get().account).toBeNull();
  });
});
