import { describe, expect, it } from 'vitest';
import { encodeHlc } from '../../shared/sync/hlc';
import { openMemoryDatabase } from './db';
import { appendRecord, writeFields } from './records';
import { backfillReportFacts } from './reportFacts';
import { createReportQueries, DEFAULT_FIRST_RESPONSE_SEC, DEFAULT_SERVICE_LEVEL_SEC } from './reportQueries';
import { createStore } from './sqliteStore';

const T0 = Date.parse('2026-03-08T10:00:00.000Z');
const iso = (t: number) => new Date(t).toISOString();
const meta = { mutationId: null, agentId: null };

function seeded() {
  const db = openMemoryDatabase();
  const store = createStore(db, () => T0);
  let n = 0;
  const set = (fields: Record<string, unknown>, at: number) =>
    writeFields(
      store,
      {
        entity: 'conversation',
        id: 'c1',
        fields,
        clock: encodeHlc({ wall: at, counter: n++, node: 't' }),
        convId: 'c1',
        at: iso(at),
      },
      meta,
    );
  store.transaction(() => {
    set(
      {
        channel: 'voice',
        teamId: 'team',
        inboxId: 'queue',
        assigneeId: 'ann',
        status: 'open',
        createdAt: iso(T0),
      },
      T0,
    );
    appendRecord(
      store,
      'message',
      'm1',
      { conversationId: 'c1', direction: 'in', authorId: null, createdAt: iso(T0) },
      'c1',
      meta,
    );
    const states: [string, number][] = [
      ['queued', 0],
      ['talking', 15_000],
      ['held', 75_000],
      ['talking', 95_000],
      ['ended', 155_000],
    ];
    for (const [state, dt] of states) set({ call: { state, at: iso(T0 + dt), queuedAt: iso(T0) } }, T0 + dt);
    const call = {
      conversationId: 'c1',
      answeredAt: iso(T0 + 15_000),
      endedAt: iso(T0 + 155_000),
      wrappedUpAt: iso(T0 + 185_000),
    };
    appendRecord(store, 'call', 'k1', call, 'c1', meta);
    // Written again (a recording attached): counted once.
    appendRecord(store, 'call', 'k1', { ...call, recording: { id: 'r' } }, 'c1', meta);
    set({ status: 'resolved' }, T0 + 200_000);
  });
  return db;
}

const factsOf = (db: ReturnType<typeof openMemoryDatabase>) =>
  db.prepare('SELECT * FROM report_facts ORDER BY conv_id').all();

describe('relay/data/reportFacts', () => {
  it('keeps a call’s answer, talk, hold, after-call work and resolution as its records are written', () => {
    const db = seeded();
    expect(factsOf(db)).toEqual([
      expect.objectContaining({
        conv_id: 'c1',
        channel: 'voice',
        team_id: 'team',
        agent_id: 'ann',
        first_in_at: T0,
        first_response_at: T0 + 15_000,
        talk_ms: 60_000 + 60_000,
        hold_ms: 20_000,
        rec_calls: 1,
        acw_ms: 30_000,
        resolved_at: T0 + 200_000,
      }),
    ]);
  });

  it('counts messages and call records written before their conversation', () => {
    const db = openMemoryDatabase();
    const store = createStore(db, () => T0);
    store.transaction(() => {
      const msg = (id: string, direction: string, at: number) =>
        appendRecord(
          store,
          'message',
          id,
          {
            conversationId: 'c2',
            direction,
            authorId: direction === 'out' ? 'bo' : null,
            createdAt: iso(at),
          },
          'c2',
          meta,
        );
      msg('m1', 'in', T0);
      msg('m2', 'out', T0 + 90_000);
      writeFields(
        store,
        {
          entity: 'conversation',
          id: 'c2',
          fields: { channel: 'chat', teamId: 'team', status: 'open', createdAt: iso(T0) },
          clock: encodeHlc({ wall: T0, counter: 0, node: 't' }),
          convId: 'c2',
          at: iso(T0),
        },
        meta,
      );
    });
    expect(factsOf(db)).toEqual([
      expect.objectContaining({ first_in_at: T0, first_response_at: T0 + 90_000 }),
    ]);
  });

  it('backfills the same facts from records already stored (migration 009)', () => {
    const db = seeded();
    const before = factsOf(db);
    db.exec('DELETE FROM report_facts; DELETE FROM report_calls;');
    backfillReportFacts(db);
    expect(factsOf(db)).toEqual(before);
  });

  it('answers from the created_at indexes (every bucket a range scan)', () => {
    const q = createReportQueries(openMemoryDatabase(), {
      serviceLevelSec: DEFAULT_SERVICE_LEVEL_SEC,
      firstResponseSec: DEFAULT_FIRST_RESPONSE_SEC,
    });
    expect(q.plan('agent', false).join('\n')).toMatch(
      /SEARCH f USING PRIMARY KEY \(created_at>\? AND created_at<\?\)/,
    );
    expect(q.plan('queue', true).join('\n')).toMatch(
      /SEARCH f USING INDEX report_facts_team_created \(team_id=\? AND created_at>\? AND created_at<\?\)/,
    );
  });
});
