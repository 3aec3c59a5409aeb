import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Change } from '../../shared/sync/entities';
import { HlcClock } from '../../shared/sync/hlc';
import { createAccounts } from '../identity/accounts';
import { openMemoryDatabase } from '../data/db';
import { writeFields } from '../data/records';
import { asyncSqliteStore } from '../data/sqliteAsync';
import { createSqliteIdentity } from '../data/sqliteIdentity';
import { createStore } from '../data/sqliteStore';
import { createSqliteSupervisorData } from '../data/supervisorData';
import { createLiveBoard } from './liveBoard';

// The live board over a real (in-memory) relay database: an agent's chats on the board are in the
// order they started (then by id), whether the board read them at start or saw them arrive.

async function world() {
  const t = Date.parse('2026-12-02T09:00:00Z');
  const now = () => t + 60 * 60_000;
  const db = openMemoryDatabase();
  const store = createStore(db, now);
  const clock = new HlcClock('relay', now);
  const records = asyncSqliteStore(store);
  const identity = createSqliteIdentity(db, records);
  const accounts = createAccounts(db, store, clock, now, { identity, records });
  const team = accounts.createTeam('Support', null);
  const agent = await accounts.createAgent(
    { email: 'hana@example.com', password: 'password-1', name: 'Hana', role: 'agent', teamIds: [team.id] },
    null,
  );
  const inboxId = accounts.createInbox({ name: 'Chat', channel: 'chat', teamId: team.id }, null).id;
  /** A chat assigned to the agent, started `min` minutes after nine; its record data. */
  const chat = (id: string, min: number) => {
    const data = {
      customerId: null,
      channel: 'chat',
      subject: id,
      status: 'open',
      assigneeId: agent.id,
      teamId: team.id,
      inboxId,
      createdAt: new Date(t + min * 60_000).toISOString(),
    };
    store.transaction(() =>
      writeFields(
        store,
        { entity: 'conversation', id, fields: data, clock: clock.now(), convId: id, at: data.createdAt },
        { mutationId: null, agentId: null },
      ),
    );
    return data;
  };
  const board = createLiveBoard({
    records,
    identity,
    data: createSqliteSupervisorData(db),
    log: pino({ level: 'silent' }),
    now,
  });
  const chatsOnBoard = async () =>
    (await board.boardFor({ all: true })).agents
      .find((a) => a.id === agent.id)!
      .chats.map((c) => c.conversationId);
  return { chat, board, chatsOnBoard };
}

describe('live board', () => {
  it("lists an agent's chats read at start by when they started, then by id", async () => {
    const w = await world();
    w.chat('conv-a', 20);
    w.chat('conv-b', 5);
    w.chat('conv-d', 20);
    w.chat('conv-c', 20);
    await w.board.load();
    expect(await w.chatsOnBoard()).toEqual(['conv-b', 'conv-a', 'conv-c', 'conv-d']);
  });

  it('lists chats it saw arrive by when they started, not in the order they arrived', async () => {
    const w = await world();
    await w.board.load();
    const change = (id: string, min: number): Change =>
      ({ entity: 'conversation', id, deleted: false, data: w.chat(id, min) }) as unknown as Change;
    expect(w.board.onChanges([change('conv-z', 30), change('conv-y', 10), change('conv-x', 30)])).toBe(true);
    expect(await w.chatsOnBoard()).toEqual(['conv-y', 'conv-x', 'conv-z']);
  });
});
