import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import { loadMonitoringKey } from '../../../src/relay/voice/monitoringGrants';
import { GRANT_PREFIX, type GrantClaims } from '../../../src/shared/monitoring';
import { MonitoringService } from '../../../src/main/services/monitoringService';
import type { RelayFetch } from '../../../src/main/services/relayRequests';
import { AGENT, openTestStore } from '../../../src/main/store/testHelpers';
import type { LocalStore } from '../../../src/main/store/localStore';
import { ADMIN, login, startTestRelay } from '../relay/helpers';

// The agent's app checks a supervisor's grant at the relay; with the relay out of reach (here: a
// real relay, stopped) it checks it with the relay's public key fetched while online, and still
// never takes a grant twice, a forged, expired or mismatched one.

let relay: Relay & { dataDir: string };
let relayKey: KeyObject;
let store: LocalStore;
let service: MonitoringService;

const grantOf = (claims: Partial<GrantClaims>, key: KeyObject = relayKey): string => {
  const now = Date.now();
  const full: GrantClaims = {
    v: 1,
    id: crypto.randomUUID(),
    mode: 'listen',
    supervisorId: crypto.randomUUID(),
    supervisorSipUser: 'super1',
    supervisorName: 'Sam',
    agentId: AGENT.id,
    agentSipUser: 'agent1',
    conversationId: crypto.randomUUID(),
    callId: 'call-1@test',
    agentSees: true,
    issuedAt: now,
    expiresAt: now + 30_000,
    ...claims,
  };
  const signed = `${GRANT_PREFIX}.${Buffer.from(JSON.stringify(full)).toString('base64url')}`;
  return `${signed}.${sign(null, Buffer.from(signed), key).toString('base64url')}`;
};
const observed = { callId: 'call-1@test', fromUser: 'super1' };

describe('main/services/monitoring offline', () => {
  beforeAll(async () => {
    relay = await startTestRelay();
    relayKey = loadMonitoringKey(relay.dataDir).privateKey;
    const token = (await login(relay, ADMIN.email, ADMIN.password)).accessToken;
    const url = relay.url;
    const fetchRelay: RelayFetch = (path, init) =>
      fetch(url + path, {
        method: init?.method ?? 'GET',
        headers: { ...init?.headers, authorization: `Bearer ${token}` },
        ...(init?.body ? { body: init.body } : {}),
      });
    store = openTestStore().store;
    service = new MonitoringService({ store: () => store, relay: fetchRelay });
  });
  afterAll(async () => {
    store?.close();
    await relay?.close().catch(() => undefined);
  });

  it('refuses everything while it has no key; fetches the key online; then checks grants offline, once each', async () => {
    // Online, the relay decides (and logs): a token that is no grant is refused.
    expect((await service.redeem({ grant: 'nonsense', observed })).ok).toBe(false);
    expect(await service.prepare()).toEqual({ ready: true });
    await relay.close();

    const good = grantOf({});
    const first = await service.redeem({ grant: good, observed });
    expect(first).toMatchObject({ ok: true, verifiedBy: 'local', claims: { agentId: AGENT.id } });
    expect(await service.redeem({ grant: good, observed })).toMatchObject({ ok: false, reason: 'replayed' });

    const { privateKey: other } = generateKeyPairSync('ed25519');
    const cases: [string, Record<string, unknown>, string][] = [
      [grantOf({}, other), observed, 'forged'],
      [grantOf({ expiresAt: Date.now() - 1 }), observed, 'expired'],
      [grantOf({ agentId: crypto.randomUUID() }), observed, 'not-for-you'],
      [grantOf({}), { ...observed, callId: 'call-2@test' }, 'wrong-call'],
      [grantOf({}), { ...observed, callId: null }, 'call-not-live'],
      [grantOf({}), { ...observed, fromUser: 'mallory' }, 'wrong-supervisor'],
      [grantOf({}), { ...observed, sessionGrantId: crypto.randomUUID() }, 'wrong-session'],
      ['sbg1.x', observed, 'malformed'],
    ];
    for (const [grant, obs, reason] of cases)
      expect(await service.redeem({ grant, observed: obs as typeof observed }), reason).toMatchObject({
        ok: false,
        reason,
      });
    // A mode change names the session's first grant, which this app took.
    const change = grantOf({ mode: 'barge' });
    const claims = first.ok ? first.claims : null;
    expect(
      await service.redeem({ grant: change, observed: { ...observed, sessionGrantId: claims!.id } }),
    ).toMatchObject({ ok: true, claims: { mode: 'barge' } });
  });
});

describe('main/services/monitoring session ends', () => {
  let live: Relay & { dataDir: string };
  let endStore: LocalStore;
  let online = false;
  let adminToken = '';
  afterAll(async () => {
    endStore?.close();
    await live?.close().catch(() => undefined);
  });

  it('keeps the end of a session told while the relay is out of reach, and tells it later', async () => {
    live = await startTestRelay();
    adminToken = (await login(live, ADMIN.email, ADMIN.password)).accessToken;
    const fetchRelay: RelayFetch = (path, init) => {
      if (!online) return Promise.reject(new TypeError('fetch failed'));
      return fetch(live.url + path, {
        method: init?.method ?? 'GET',
        headers: { ...init?.headers, authorization: `Bearer ${adminToken}` },
        ...(init?.body ? { body: init.body } : {}),
      });
    };
    endStore = openTestStore().store;
    const s = new MonitoringService({ store: () => endStore, relay: fetchRelay });
    const grantId = crypto.randomUUID();
    expect(await s.end({ grantId, reason: 'call-ended' })).toEqual({ recorded: false, sent: false });

    online = true;
    await s.prepare();
    // The relay heard it (and, as this grant is none of its, refused and logged it).
    const audit = await fetch(`${live.url}/v1/admin/audit?action=monitoring.refused`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    const { entries } = (await audit.json()) as { entries: { detail: Record<string, unknown> }[] };
    expect(entries.filter((e) => e.detail['grantId'] === grantId).map((e) => e.detail['stage'])).toEqual([
      'end',
    ]);
    // Told once: nothing is left to send.
    await s.prepare();
    const again = await fetch(`${live.url}/v1/admin/audit?action=monitoring.refused`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    const after = (await again.json()) as { entries: { detail: Record<string, unknown> }[] };
    expect(after.entries.filter((e) => e.detail['grantId'] === grantId)).toHaveLength(1);
  });
});
