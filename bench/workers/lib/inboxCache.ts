// A browser host's data directory holding a signed-in agent's encrypted cache with many
// conversations (customers, labels, SLA due times), as a catch-up would leave it, so the host
// opens straight into a large inbox. The relay named in the profile is not running: the app works
// offline from the cache. Passphrase-protected (no OS keychain needed); the host unlocks it with
// SWITCHBOARD_CACHE_PASSPHRASE. Used by the inbox bench and e2e/inboxLarge.spec.ts.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { CacheVault } from '../../../src/main/keychain/cacheVault';
import { createSilentLogger } from '../../../src/main/base/logger';
import { writeJsonFileAtomic } from '../../../src/main/base/jsonFile';
import type { Change } from '../../../src/shared/sync/entities';
import { prng } from '../../../src/shared/prng';

const CUSTOMERS = 10_000;
const PAGE = 5_000;
const RELAY = 'http://127.0.0.1:9';
const EMAIL = 'agent@bench.example';
const uuid = (kind: string, i: number) => `0190b000-0000-7000-8${kind}-${String(i).padStart(12, '0')}`;
const TEAMS = [uuid('004', 1), uuid('004', 2)];
const AGENT = {
  id: '0190b000-0000-7000-8000-00000000a001',
  name: 'Bench Agent',
  email: EMAIL,
  role: 'agent' as const,
  teamIds: [TEAMS[0]!],
  skills: [],
};
const LABELS = ['VIP', 'Refund', 'Shipping', '投诉', 'Billing'];
const CHANNELS = ['chat', 'email', 'sms', 'whatsapp', 'voice'] as const;
const rand = prng(7);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;

/**
 * Writes the profile and cache into `dataDir`: `conversations` open conversations, newest last.
 * With `historyMessages`, the customer of the newest conversation (the inbox's first row) gets that
 * many messages spread over their conversations, half of them in that newest one.
 */
export async function seedInboxCache(
  dataDir: string,
  conversations: number,
  passphrase: string,
  historyMessages = 0,
): Promise<void> {
  // The same profile layout as SessionService (profile.json, profiles/<account>/cache.*).
  writeJsonFileAtomic(join(dataDir, 'profile.json'), { relayUrl: RELAY, email: EMAIL });
  const account = createHash('sha256').update(`${RELAY}\n${EMAIL}`).digest('hex').slice(0, 24);
  const vault = new CacheVault({
    dir: join(dataDir, 'profiles', account),
    account,
    log: createSilentLogger(),
    keychain: null,
  });
  const store = vault.openStore(await vault.unlock({ passphrase: passphrase }));
  try {
    store.setIdentity({ deviceId: '0190b000-0000-7000-8000-00000000d001', agent: AGENT });
    // A remembered relay session (the relay is just unreachable), so the app is offline, not signed out.
    store.setSession(
      JSON.stringify({
        accessToken: 'bench',
        accessExpiresAt: new Date(Date.now() + 3_600_000).toISOString(),
        refreshToken: 'bench',
        deviceId: '0190b000-0000-7000-8000-00000000d001',
      }),
    );
    let seq = 0;
    const rec = (entity: Change['entity'], id: string, data: Record<string, unknown>): Change => ({
      seq: ++seq,
      entity,
      id,
      data,
      clocks: {},
      deleted: false,
    });
    const base: Change[] = [
      ...TEAMS.map((id, i) => rec('team', id, { name: `Team ${i + 1}` })),
      rec('agent', AGENT.id, AGENT),
      ...LABELS.map((name, i) => rec('label', uuid('001', i), { name, color: '#888888' })),
    ];
    for (let i = 0; i < CUSTOMERS; i++) {
      base.push(
        rec('customer', uuid('002', i), {
          name: i % 3 === 0 ? `王小明 ${i}` : `Customer ${i}`,
          phones: [],
          emails: [],
          company: '',
          address: '',
          language: 'en',
          identities: [],
          customFields: {},
        }),
      );
    }
    store.applyChanges(base, seq);
    const start = Date.UTC(2026, 0, 1);
    const now = Date.now();
    for (let from = 0; from < conversations; from += PAGE) {
      const changes: Change[] = [];
      for (let i = from; i < Math.min(conversations, from + PAGE); i++) {
        const at = new Date(start + i * 60_000).toISOString();
        const r = rand();
        changes.push(
          rec('conversation', uuid('003', i), {
            customerId: uuid('002', i % CUSTOMERS),
            channel: pick(CHANNELS),
            subject: `Order ${i}: where is my parcel?`,
            // All open: the inbox opens on open conversations, so its list is all 100,000 long.
            status: 'open',
            snoozedUntil: null,
            assigneeId: r < 0.2 ? AGENT.id : null,
            teamId: pick(TEAMS),
            inboxId: null,
            labels: r < 0.3 ? [pick(LABELS)] : [],
            slaDueAt: r < 0.5 ? new Date(now + (rand() - 0.3) * 4 * 3_600_000).toISOString() : null,
            lastMessageAt: at,
            createdAt: at,
          }),
        );
      }
      store.applyChanges(changes, seq);
    }
    if (historyMessages > 0) store.applyChanges(customerHistory(conversations, historyMessages, rec), seq);
  } finally {
    store.close();
  }
}

/** `count` messages of the newest conversation's customer: half in that conversation, the rest spread over their older ones. */
function customerHistory(
  conversations: number,
  count: number,
  rec: (entity: Change['entity'], id: string, data: Record<string, unknown>) => Change,
): Change[] {
  const newest = conversations - 1;
  const customer = newest % CUSTOMERS;
  const theirs: number[] = [];
  for (let i = newest; i >= 0; i -= CUSTOMERS) theirs.push(i);
  const older = theirs.slice(1);
  const changes: Change[] = [];
  const start = Date.UTC(2025, 11, 1);
  for (let m = 0; m < count; m++) {
    const conv = m < count / 2 || older.length === 0 ? newest : older[m % older.length]!;
    const out = m % 3 === 2;
    changes.push(
      rec('message', uuid('005', m), {
        conversationId: uuid('003', conv),
        customerId: uuid('002', customer),
        direction: out ? 'out' : 'in',
        authorId: out ? AGENT.id : null,
        body: `Message ${m} about order ${conv}: ${m % 4 === 0 ? '包裹什么时候到？' : 'where is my parcel?'}`,
        createdAt: new Date(start + m * 60_000).toISOString(),
      }),
    );
  }
  return changes;
}
