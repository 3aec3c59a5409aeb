// Bench worker of supervisor.wallboard_update_p95_ms. `setup` writes the directory through the
// relay's own store (not timed): `teams` teams of `perTeam` agents, each agent with two open chats
// and each team with waiting customers, and one supervisor of every team; tokens are signed with
// the relay's secret. `run` connects every agent (live, available) and the supervisor (watching
// the board) to the relay process, then times state changes made on one agent's socket until the
// supervisor's socket holds a board that shows them, while other agents change state around it.
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { SupervisorBoard } from '../../src/shared/supervisor';
import { HlcClock } from '../../src/shared/sync/hlc';
import { uuidv7 } from '../../src/shared/sync/ids';
import { createAccounts } from '../../src/relay/identity/accounts';
import { openDatabase } from '../../src/relay/data/db';
import { hashPassword } from '../../src/relay/identity/passwords';
import { writeFields } from '../../src/relay/data/records';
import { createStore } from '../../src/relay/data/sqliteStore';
import { loadSigningSecret, signAccessToken } from '../../src/relay/identity/tokens';
import { progress, serve, sleep, until } from './lib/ipc';

type Directory = { head: number; supervisor: string; agents: { id: string; token: string }[] };

async function setup(m: Record<string, unknown>): Promise<Record<string, unknown>> {
  const dataDir = String(m['dataDir']);
  const [teams, perTeam] = [Number(m['teams']), Number(m['perTeam'])];
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
    const token = (id: string, role: string) => {
      const dev = uuidv7();
      insertDevice.run(dev, id, 'bench client', now, now);
      return signAccessToken(secret, { sub: id, role: role as 'agent', dev, exp: now + 3 * 3600_000 });
    };
    const conversation = (teamId: string, inboxId: string, customerId: string, assigneeId: string | null) => {
      const id = uuidv7();
      const fields = {
        customerId,
        channel: 'chat',
        subject: 'Order question',
        status: 'open',
        snoozedUntil: null,
        assigneeId,
        teamId,
        inboxId,
        labels: [],
        slaDueAt: new Date(now + 10 * 60_000).toISOString(),
        lastMessageAt: at,
        createdAt: at,
      };
      writeFields(store, { entity: 'conversation', id, fields, clock: clock.now(), convId: id, at }, meta);
    };
    const supervisor = uuidv7();
    const dir: Directory = { head: 0, supervisor: '', agents: [] };
    store.transaction(() => {
      insertAgent.run(supervisor, 'supervisor@bench.example', 'Bench Supervisor', 'supervisor', hash, now);
      for (let t = 0; t < teams; t++) {
        const team = accounts.createTeam(`Team ${t}`, null);
        const inbox = accounts.createInbox(
          { name: `Team ${t} chat`, channel: 'chat', teamId: team.id },
          null,
        );
        addMember.run(team.id, supervisor);
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
        for (let w = 0; w < 5; w++) conversation(team.id, inbox.id, customerId, null);
        for (let i = 0; i < perTeam; i++) {
          const id = uuidv7();
          const email = `agent${t}.${i}@bench.example`;
          insertAgent.run(id, email, `Agent ${t}.${i}`, 'agent', hash, now);
          addMember.run(team.id, id);
          const fields = { name: `Agent ${t}.${i}`, email, role: 'agent', teamIds: [team.id], skills: [] };
          writeFields(store, { entity: 'agent', id, fields, clock: clock.now(), convId: null, at }, meta);
          for (let c = 0; c < 2; c++) conversation(team.id, inbox.id, customerId, id);
          dir.agents.push({ id, token: token(id, 'agent') });
        }
      }
      dir.supervisor = token(supervisor, 'supervisor');
    });
    dir.head = store.head();
    const file = `${dataDir}/bench-wallboard.json`;
    writeFileSync(file, JSON.stringify(dir));
    return { file };
  } finally {
    db.close();
  }
}

/** A socket that has said hello and been welcomed. */
function open(
  url: string,
  token: string,
  cursor: number,
  onFrame?: (text: string) => void,
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ t: 'hello', protocol: 1, accessToken: token, cursor })));
    ws.on('message', (d: Buffer) => {
      const text = d.toString();
      if (text.startsWith('{"t":"welcome"')) resolve(ws);
      onFrame?.(text);
    });
  });
}

async function run(m: Record<string, unknown>): Promise<Record<string, unknown>> {
  const dir = JSON.parse(readFileSync(String(m['file']), 'utf8')) as Directory;
  const url = String(m['url']);
  const [samples, churnPerS] = [Number(m['samples']), Number(m['churnPerS'])];
  const t0 = performance.now();
  const agents: WebSocket[] = [];
  for (const a of dir.agents) {
    const ws = await open(url, a.token, dir.head);
    ws.send(JSON.stringify({ t: 'presence', state: 'available' }));
    agents.push(ws);
  }
  // The wallboard's view: the latest board, as the supervisor's app would hold it.
  let board: SupervisorBoard | null = null;
  let boards = 0;
  let boardBytes = 0;
  let waiter: (() => void) | null = null;
  const sup = await open(url, dir.supervisor, dir.head, (text) => {
    if (!text.startsWith('{"t":"board"')) return;
    board = (JSON.parse(text) as { board: SupervisorBoard }).board;
    boards += 1;
    boardBytes = text.length;
    waiter?.();
  });
  sup.send(JSON.stringify({ t: 'watch', on: true }));
  const shows = (id: string, state: string) =>
    (board as SupervisorBoard | null)?.agents.some((a) => a.id === id && a.state === state) ?? false;
  await until(() => dir.agents.every((a) => shows(a.id, 'available')), 60_000, 'every agent on the board');
  progress(
    `wallboard: ${agents.length} agents live and on the board in ${Math.round(performance.now() - t0)} ms (board ${Math.round(boardBytes / 1024)} KiB)`,
  );

  // Around the measured changes, other agents change state `churnPerS` times a second.
  const churn = setInterval(() => {
    const i = 1 + Math.floor(Math.random() * (agents.length - 1));
    agents[i]!.send(JSON.stringify({ t: 'presence', state: Math.random() < 0.5 ? 'away' : 'available' }));
  }, 1000 / churnPerS);
  const ms: number[] = [];
  const measured = dir.agents[0]!;
  const boardsBefore = boards;
  for (let i = 0; i < samples; i++) {
    const state = i % 2 === 0 ? 'away' : 'available';
    const start = performance.now();
    agents[0]!.send(JSON.stringify({ t: 'presence', state }));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no board showed ${state} in 10 s`)), 10_000);
      waiter = () => {
        if (!shows(measured.id, state)) return;
        clearTimeout(timer);
        waiter = null;
        resolve();
      };
      waiter();
    });
    ms.push(performance.now() - start);
    await sleep(20 + Math.random() * 30);
  }
  clearInterval(churn);
  for (const ws of [...agents, sup]) ws.close();
  ms.sort((a, b) => a - b);
  const q = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!;
  return {
    samples: ms.length,
    p50: q(0.5),
    p95: q(0.95),
    max: ms.at(-1)!,
    boards: boards - boardsBefore,
    boardBytes,
  };
}

serve({ setup, run });
