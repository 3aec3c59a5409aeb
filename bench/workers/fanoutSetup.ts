// Bench worker: writes the directory of relay.fanout_* through the relay's own store and
// migrations (not timed): `teams` teams of `perTeam` agents, each with a registered device and a
// signed access token, and `conversations` conversations per team. Agents get one precomputed
// password hash and tokens are signed with the relay's secret, so no scrypt runs 1,000 times.
import { writeFileSync } from 'node:fs';
import { HlcClock } from '../../src/shared/sync/hlc';
import { uuidv7 } from '../../src/shared/sync/ids';
import { createAccounts } from '../../src/relay/identity/accounts';
import { openDatabase } from '../../src/relay/data/db';
import { hashPassword } from '../../src/relay/identity/passwords';
import { writeFields } from '../../src/relay/data/records';
import { createStore } from '../../src/relay/data/sqliteStore';
import { loadSigningSecret, signAccessToken } from '../../src/relay/identity/tokens';
import { serve } from './lib/ipc';

async function setup(m: Record<string, unknown>): Promise<Record<string, unknown>> {
  const dataDir = String(m['dataDir']);
  const [teams, perTeam, convs] = [Number(m['teams']), Number(m['perTeam']), Number(m['conversations'])];
  const db = openDatabase(dataDir);
  try {
    const secret = loadSigningSecret(dataDir);
    const clock = new HlcClock('bench-setup');
    const store = createStore(db, Date.now);
    const accounts = createAccounts(db, store, clock, Date.now);
    const hash = await hashPassword('agent-pass-1');
    const now = Date.now();
    const at = new Date(now).toISOString();
    const meta = { mutationId: null, agentId: null };
    const insertAgent = db.prepare(
      'INSERT INTO agents (id, email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const addMember = db.prepare('INSERT INTO team_members (team_id, agent_id) VALUES (?, ?)');
    const insertDevice = db.prepare(
      'INSERT INTO devices (id, agent_id, name, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)',
    );
    const out: { teamId: string; conversations: string[]; agents: { id: string; token: string }[] }[] = [];
    store.transaction(() => {
      for (let t = 0; t < teams; t++) {
        const team = accounts.createTeam(`Team ${t}`, null);
        const customerId = uuidv7();
        writeFields(
          store,
          {
            entity: 'customer',
            id: customerId,
            fields: { name: `Customer ${t}` },
            clock: clock.now(),
            convId: null,
            at,
          },
          meta,
        );
        const conversations = Array.from({ length: convs }, (_, i) => {
          const id = uuidv7();
          const fields = {
            customerId,
            channel: 'chat',
            subject: `Chat ${i}`,
            status: 'open',
            snoozedUntil: null,
            assigneeId: null,
            teamId: team.id,
            inboxId: null,
            labels: [],
            slaDueAt: null,
            lastMessageAt: at,
            createdAt: at,
          };
          writeFields(
            store,
            { entity: 'conversation', id, fields, clock: clock.now(), convId: id, at },
            meta,
          );
          return id;
        });
        const agents = Array.from({ length: perTeam }, (_, i) => {
          const id = uuidv7();
          const email = `agent${t}.${i}@bench.example`;
          insertAgent.run(id, email, `Agent ${t}.${i}`, 'agent', hash, now);
          addMember.run(team.id, id);
          const fields = { name: `Agent ${t}.${i}`, email, role: 'agent', teamIds: [team.id], skills: [] };
          writeFields(store, { entity: 'agent', id, fields, clock: clock.now(), convId: null, at }, meta);
          const dev = uuidv7();
          insertDevice.run(dev, id, 'bench client', now, now);
          const token = signAccessToken(secret, { sub: id, role: 'agent', dev, exp: now + 3 * 3600_000 });
          return { id, token };
        });
        out.push({ teamId: team.id, conversations, agents });
      }
    });
    const file = `${dataDir}/bench-directory.json`;
    writeFileSync(file, JSON.stringify({ head: store.head(), teams: out }));
    return { file, head: store.head() };
  } finally {
    db.close();
  }
}

serve({ setup });
