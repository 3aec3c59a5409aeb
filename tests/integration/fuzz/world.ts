// The seeded world the fuzzer attacks: a relay process with two teams, an admin, a supervisor and
// an agent to act as, victims for the admin routes, a chat inbox, customers and conversations; and
// a fingerprint of the shared data to prove that input which was refused changed nothing.
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { uuidv7 } from '../../../src/shared/sync/ids';
import type { TokenPair } from '../../../src/shared/sync/protocol';
import { ROOT_ADMIN, startRelayProcess, type RelayProcess } from '../../support/relayProcess';
import type { Pools } from './arbitraries';

export type World = {
  relay: RelayProcess;
  pools: Pools;
  /**
   * The shared data by record (`entity id` to its content); records of customer `except` (and its
   * conversations and messages) left out.
   */
  fingerprint: (except?: string) => Map<string, string>;
  /** Refreshes the three roles' access tokens (they live 15 min; a long run outlives them). */
  renew: () => Promise<void>;
  close: () => Promise<void>;
};

async function call<T>(relay: RelayProcess, method: string, path: string, body?: unknown, token?: string) {
  const r = await fetch(relay.url + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await r.json()) as T;
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(json)}`);
  return json;
}

/** Starts the relay process and seeds it through its own API, as an admin would. */
export async function openWorld(): Promise<World> {
  // The fuzzer is one loopback source sending as fast as it can: per-source limits would answer
  // most of it 429 and test nothing else. Frames on sockets keep their default limits.
  const relay = await startRelayProcess([
    '--http-rate-limit',
    '100000/100000',
    '--auth-rate-limit',
    '100000/100000',
  ]);
  const admin = await call<TokenPair>(relay, 'POST', '/v1/auth/login', {
    ...ROOT_ADMIN,
    name: undefined,
    deviceName: 'fuzz',
  });
  const t = admin.accessToken;
  const teamA = (await call<{ id: string }>(relay, 'POST', '/v1/admin/teams', { name: 'Fuzz A' }, t)).id;
  const teamB = (await call<{ id: string }>(relay, 'POST', '/v1/admin/teams', { name: 'Fuzz B' }, t)).id;
  const person = async (email: string, role: string, teamId: string) =>
    (
      await call<{ id: string }>(
        relay,
        'POST',
        '/v1/admin/agents',
        { email, password: 'password-123', name: email, role, teamIds: [teamId] },
        t,
      )
    ).id;
  await person('sup@fuzz.test', 'supervisor', teamA);
  await person('agent@fuzz.test', 'agent', teamA);
  const victims = [
    await person('victim-a@fuzz.test', 'agent', teamA),
    await person('victim-b@fuzz.test', 'supervisor', teamB),
  ];
  const signIn = (email: string) =>
    call<TokenPair>(relay, 'POST', '/v1/auth/login', { email, password: 'password-123', deviceName: 'fuzz' });
  const chat = (
    await call<{ id: string }>(
      relay,
      'POST',
      '/v1/admin/inboxes',
      { name: 'Chat', channel: 'chat', teamId: teamA },
      t,
    )
  ).id;
  const api = (
    await call<{ id: string }>(
      relay,
      'POST',
      '/v1/admin/inboxes',
      { name: 'API', channel: 'api', teamId: teamB },
      t,
    )
  ).id;
  for (let i = 0; i < 6; i++)
    await call(
      relay,
      'POST',
      '/v1/channels/api/messages',
      {
        inboxId: i % 2 ? chat : api,
        from: { email: `customer${i}@fuzz.test`, name: `Customer ${i}` },
        text: `Hello ${i}`,
      },
      t,
    );
  const db = new Database(join(relay.dataDir, 'relay.db'), { readonly: true, fileMustExist: true });
  const ids = (entity: string) =>
    db.prepare('SELECT id FROM records WHERE entity = ? ORDER BY id').pluck().all(entity) as string[];

  /**
   * The shared data that only an accepted write may change: customers and messages whole, and
   * each conversation's customer, channel and subject (routing, read receipts and assignment
   * move on their own, so those fields are left out).
   */
  const fingerprint = (except?: string) => {
    const rows = db
      .prepare(
        "SELECT entity, id, data, deleted FROM records WHERE entity IN ('customer', 'conversation', 'message', 'note') ORDER BY entity, id",
      )
      .all() as { entity: string; id: string; data: string; deleted: number }[];
    const out = new Map<string, string>();
    for (const r of rows) {
      const d = JSON.parse(r.data) as Record<string, unknown>;
      if (except !== undefined && (r.id === except || d['customerId'] === except)) continue;
      const kept =
        r.entity === 'conversation' ? { c: d['customerId'], ch: d['channel'], s: d['subject'] } : d;
      out.set(`${r.entity} ${r.id}`, `${r.deleted} ${JSON.stringify(kept)}`);
    }
    return out;
  };

  const pairs = { admin, supervisor: await signIn('sup@fuzz.test'), agent: await signIn('agent@fuzz.test') };
  const pools: Pools = {
    customers: [...ids('customer'), uuidv7()],
    conversations: ids('conversation'),
    teams: [teamA, teamB],
    inboxes: [chat, api],
    victims,
    tokens: { admin: t, supervisor: pairs.supervisor.accessToken, agent: pairs.agent.accessToken },
  };
  const renew = async () => {
    for (const role of ['admin', 'supervisor', 'agent'] as const) {
      pairs[role] = await call<TokenPair>(relay, 'POST', '/v1/auth/refresh', {
        refreshToken: pairs[role].refreshToken,
      });
      pools.tokens[role] = pairs[role].accessToken;
    }
  };

  return {
    relay,
    pools,
    fingerprint,
    renew,
    close: async () => {
      db.close();
      await relay.stop();
    },
  };
}
