import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMemoryDatabase } from '../../../src/relay/data/db';
import { soleOwnerLeases } from '../../../src/relay/data/leases';
import { createPgLeases } from '../../../src/relay/data/postgres/pgLease';
import { createPgRoutingData } from '../../../src/relay/data/postgres/pgRoutingData';
import { createSqliteRoutingData } from '../../../src/relay/data/routingData';
import { createPgIdentity } from '../../../src/relay/data/postgres/pgIdentity';
import { createPgStore } from '../../../src/relay/data/postgres/pgStore';
import { createPgVoiceData, PG_VOICE_SQL } from '../../../src/relay/data/postgres/pgVoiceData';
import { asyncSqliteStore } from '../../../src/relay/data/sqliteAsync';
import { createSqliteIdentity } from '../../../src/relay/data/sqliteIdentity';
import { createStore } from '../../../src/relay/data/sqliteStore';
import { createSqliteVoiceData } from '../../../src/relay/data/voiceData';
import { postgresMissing, startPostgres, type RunningPostgres } from '../../support/postgres';
import {
  asker,
  AUDIO,
  auditCount,
  clock,
  observed,
  recordedCall,
  voiceContract,
  voiceRelay,
  voiceWorld,
  type VoiceUnderTest,
} from '../../support/voiceContract';

// The voice room's data (monitoring grants, the calls a restart cut, recordings) on both stores
// through one body; on PostgreSQL also two relays on one database and one shared data directory:
// a grant redeemed at both at once is redeemed once, a session's end told at both is recorded
// once, and a recording stored through one plays through the other.

describe('relay voice on SQLite (through sqliteAsync)', () => {
  voiceContract(async () => {
    const db = openMemoryDatabase();
    const store = asyncSqliteStore(createStore(db, () => clock.t));
    const identity = createSqliteIdentity(db, store);
    return {
      store,
      identity,
      data: createSqliteVoiceData(db, identity),
      routing: { data: createSqliteRoutingData(db, store), leases: soleOwnerLeases() },
      dispose: async () => void db.close(),
    };
  });
});

const missing = postgresMissing();
if (missing) console.warn(`voice on PostgreSQL skipped: ${missing}`);

describe.skipIf(missing !== null)('relay voice on PostgreSQL', () => {
  let server: RunningPostgres;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** One relay process on the database at `url`: its own pool, store, identity and voice data. */
  async function relayOn(url: string): Promise<VoiceUnderTest> {
    const store = await createPgStore({ connectionString: url, now: () => clock.t });
    return {
      store,
      identity: createPgIdentity(store),
      data: createPgVoiceData(store),
      routing: { data: createPgRoutingData(store), leases: createPgLeases(store.pool) },
      dispose: () => store.close(),
    };
  }

  voiceContract(async () => relayOn(await server.createDatabase()));

  /** Two relays on one database, sharing one data directory and token secret, and the world. */
  async function twoRelays() {
    const url = await server.createDatabase();
    const [a, b] = [await relayOn(url), await relayOn(url)];
    const w = await voiceWorld(a);
    const shared = { dataDir: mkdtempSync(join(tmpdir(), 'sb-voice-shared-')), secret: randomBytes(32) };
    const [ra, rb] = await Promise.all([voiceRelay(a, shared), voiceRelay(b, shared)]);
    return {
      a,
      b,
      w,
      ra,
      rb,
      dispose: async () => {
        await Promise.all([ra.close(), rb.close()]);
        await Promise.all([a.dispose(), b.dispose()]);
      },
    };
  }

  it('redeems a grant redeemed at two relays at once once: the other is told it was used', async () => {
    const { a, w, ra, rb, dispose } = await twoRelays();
    try {
      const rounds = 20;
      for (let i = 0; i < rounds; i++) {
        const issued = await ra.grants.issue(asker(w, 'sue'), { callId: w.callId, mode: 'listen' });
        const tries = await Promise.allSettled(
          [ra, rb].map((r) =>
            r.grants.redeem(asker(w, 'ana'), { grant: issued.grant, observed: observed(w) }),
          ),
        );
        expect(tries.filter((t) => t.status === 'fulfilled')).toHaveLength(1);
        const refused = tries.find((t) => t.status === 'rejected');
        expect(refused?.reason).toMatchObject({ message: expect.stringMatching(/\(replayed\)/) as unknown });
        expect((await a.data.grant(issued.claims.id))?.redeemed_at).toBe(clock.t);
      }
      expect(await auditCount(ra, 'monitoring.redeemed')).toBe(rounds);
      expect(await auditCount(rb, 'monitoring.refused')).toBe(rounds);
    } finally {
      await dispose();
    }
  });

  it("records a session's end told at two relays at once once, with one audit line", async () => {
    const { w, ra, rb, dispose } = await twoRelays();
    try {
      const issued = await rb.grants.issue(asker(w, 'sue'), { callId: w.callId, mode: 'barge' });
      await ra.grants.redeem(asker(w, 'ana'), { grant: issued.grant, observed: observed(w) });
      const ends = await Promise.all([
        ra.grants.end(asker(w, 'sue'), { grantId: issued.claims.id, reason: 'supervisor-left' }),
        rb.grants.end(asker(w, 'ana'), { grantId: issued.claims.id, reason: 'call-ended' }),
      ]);
      expect(ends.filter((e) => e.recorded)).toHaveLength(1);
      expect(await auditCount(ra, 'monitoring.ended')).toBe(1);
    } finally {
      await dispose();
    }
  });

  it('plays a recording stored through one relay through the other (one shared data directory)', async () => {
    const { w, ra, rb, dispose } = await twoRelays();
    try {
      const [sue, ana] = [await ra.token(w.sue.email), await rb.token(w.ana.email)];
      const policy = JSON.stringify({
        enabled: true,
        consentText: 'Recorded.',
        playbackRoles: ['supervisor'],
      });
      const set = await rb.send(
        'PUT',
        `/v1/admin/teams/${w.support.id}/recording`,
        sue,
        policy,
        'application/json',
      );
      expect(set.status).toBe(200);
      const { recordingId, callRecordId } = await recordedCall(w);
      // The app's upload and its retry after a lost answer reach both relays at once.
      const path = `/v1/recordings/${recordingId}?call=${callRecordId}`;
      const puts = await Promise.all([ra.send('PUT', path, ana, AUDIO), rb.send('PUT', path, ana, AUDIO)]);
      expect(puts.map((p) => p.status)).toEqual([200, 200]);
      for (const r of [ra, rb]) {
        const play = await r.send('GET', `/v1/recordings/${recordingId}`, sue);
        expect(play.status).toBe(200);
        expect(Buffer.from(await play.arrayBuffer()).equals(AUDIO)).toBe(true);
      }
    } finally {
      await dispose();
    }
  });

  it("finds a call's conversation by an index scan of migration 010", async () => {
    const { a, w, dispose } = await twoRelays();
    try {
      const store = a.store as Awaited<ReturnType<typeof createPgStore>>;
      const c = await store.pool.connect();
      try {
        // With few rows the planner would rather scan; what matters is that it can use the index.
        await c.query('SET enable_seqscan = off');
        const plan = await c.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN ${PG_VOICE_SQL.byCallId.replace('$1', `'${w.callId}'`)}`,
        );
        expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/records_voice_call_id/);
      } finally {
        c.release();
      }
    } finally {
      await dispose();
    }
  });
});
