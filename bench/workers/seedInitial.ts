// Bench worker: writes the relay data of sync.initial_100k_s straight through the relay's own
// store and migrations, in big transactions (not timed): customers, conversations of one team
// with `messagesPer` messages each, and the agent who syncs them.
import { performance } from 'node:perf_hooks';
import { HlcClock } from '../../src/shared/sync/hlc';
import { uuidv7 } from '../../src/shared/sync/ids';
import { createAccounts } from '../../src/relay/identity/accounts';
import { openDatabase } from '../../src/relay/data/db';
import { THREADS } from '../../src/relay/demo/seedData';
import { createStore } from '../../src/relay/data/sqliteStore';
import { progress, serve } from './lib/ipc';

const PER_TX = 5_000;

async function seed(m: Record<string, unknown>): Promise<Record<string, unknown>> {
  const t0 = performance.now();
  const conversations = Number(m['conversations']);
  const messagesPer = Number(m['messagesPer']);
  const customerCount = Number(m['customers']);
  const db = openDatabase(String(m['dataDir']));
  try {
    const clock = new HlcClock('bench-seed');
    const store = createStore(db, Date.now);
    const accounts = createAccounts(db, store, clock, Date.now);
    const team = accounts.createTeam('Bench Support', null);
    const email = 'agent@bench.example';
    const password = 'agent-pass-1';
    await accounts.createAgent(
      { email, password, name: 'Bench Agent', role: 'agent', teamIds: [team.id] },
      null,
    );
    const meta = { mutationId: null, agentId: null };
    const withClocks = (fields: Record<string, unknown>) => {
      const c = clock.now();
      return { data: fields, clocks: Object.fromEntries(Object.keys(fields).map((k) => [k, c])) };
    };
    // Times run forward so ids are time-ordered, as real UUIDv7 ids are.
    let t = Date.now() - 40 * 86_400_000;
    const customers: string[] = [];
    store.transaction(() => {
      for (let i = 0; i < customerCount; i++) {
        const id = uuidv7((t += 1));
        const zh = i % 2 === 0;
        const fields = {
          name: zh ? `王${i}` : `Customer ${i}`,
          phones: [zh ? `+86138${String(i).padStart(8, '0')}` : `+44791${String(i).padStart(7, '0')}`],
          emails: [`customer${i}@example.com`],
          company: zh ? '东方物流' : 'Acme Corp',
          address: zh ? `上海市浦东新区世纪大道${i}号` : `${i} Oak Avenue, London`,
          language: zh ? 'zh-CN' : 'en-GB',
          identities: [],
          customFields: {},
          createdAt: new Date(t).toISOString(),
        };
        store.put({ entity: 'customer', id, ...withClocks(fields), deleted: false, convId: null }, meta);
        customers.push(id);
      }
    });
    let messages = 0;
    for (let start = 0; start < conversations; start += PER_TX) {
      store.transaction(() => {
        for (let i = start; i < Math.min(conversations, start + PER_TX); i++) {
          const id = uuidv7((t += 1));
          const customerId = customers[i % customers.length]!;
          const zh = i % 2 === 0;
          const thread = THREADS[zh ? 'zh' : 'en'][i % THREADS[zh ? 'zh' : 'en'].length]!;
          const createdAt = new Date(t).toISOString();
          for (let k = 0; k < messagesPer; k++) {
            const out = k % 2 === 1;
            const body = thread.lines[k % thread.lines.length]!.replace('{n}', String(100000 + i));
            const data = {
              conversationId: id,
              customerId,
              direction: out ? 'out' : 'in',
              authorId: null,
              body,
              createdAt: new Date((t += 1)).toISOString(),
            };
            store.put(
              { entity: 'message', id: uuidv7(t), data, clocks: {}, deleted: false, convId: id },
              meta,
            );
            messages++;
          }
          const fields = {
            customerId,
            channel: i % 3 === 0 ? 'email' : 'chat',
            subject: thread.subject,
            status: 'open',
            snoozedUntil: null,
            assigneeId: null,
            teamId: team.id,
            inboxId: null,
            labels: [],
            slaDueAt: null,
            lastMessageAt: new Date(t).toISOString(),
            createdAt,
          };
          store.put({ entity: 'conversation', id, ...withClocks(fields), deleted: false, convId: id }, meta);
        }
      });
      if ((start / PER_TX) % 4 === 3) progress(`seed: ${start + PER_TX} conversations, ${messages} messages`);
    }
    db.pragma('wal_checkpoint(TRUNCATE)');
    const head = store.head();
    progress(`seed: done in ${((performance.now() - t0) / 1000).toFixed(1)} s, log head ${head}`);
    return { head, email, password, messages };
  } finally {
    db.close();
  }
}

serve({ seed });
