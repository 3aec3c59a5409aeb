import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { expect, it } from 'vitest';
import type { GrantClaims } from '../../src/shared/monitoring';
import { HlcClock } from '../../src/shared/sync/hlc';
import { uuidv7 } from '../../src/shared/sync/ids';
import type { AsyncStore } from '../../src/relay/data/asyncStore';
import type { IdentityData } from '../../src/relay/data/identityData';
import type { LeaseTable } from '../../src/relay/data/leases';
import type { RoutingData } from '../../src/relay/data/routingData';
import { writeFieldsAsync } from '../../src/relay/data/records';
import type { VoiceData } from '../../src/relay/data/voiceData';
import { createAccountWrites } from '../../src/relay/identity/accountWrites';
import { createAudit } from '../../src/relay/identity/audit';
import { createAuth } from '../../src/relay/identity/auth';
import { createDirectory } from '../../src/relay/identity/directory';
import { resolveLoginThrottle } from '../../src/relay/identity/loginThrottle';
import { createCallQueue } from '../../src/relay/voice/callQueue';
import { createMonitoringGrants } from '../../src/relay/voice/monitoringGrants';
import { REASON_NO_AGENT } from '../../src/relay/voice/queueWait';
import { startRouting } from './routingContract';
import { createRecordings } from '../../src/relay/voice/recordings';

// The voice room's data on a store under test (SQLite or PostgreSQL), run through one body: the
// monitoring grants (issue, single-use redeem, one end per session, each audited) and the call
// recordings (policy, upload, playback, retention) with their files in a data directory that
// relays of one cluster share. tests/integration/store/voicePath.test.ts runs it on both stores.

export type VoiceUnderTest = {
  store: AsyncStore;
  identity: IdentityData;
  data: VoiceData;
  /** Routing's reads and lease table on the same store (the call queue hands its calls to routing). */
  routing: { data: RoutingData; leases: LeaseTable };
  dispose(): Promise<void>;
};

const log = pino({ level: 'silent' });
/** One clock for every relay of a test (a grant's expiry, a recording's retention). */
export const clock = { t: Date.parse('2026-12-04T09:00:00.000Z') };
const now = () => clock.t;
const PASSWORD = 'pass-word-1';

/** Audio that reads as WebM (its magic), as an app uploads it. */
export const AUDIO = Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), randomBytes(3000)]);

/**
 * One relay's voice rooms on `s`: the grants, and the recordings behind a real HTTP server with
 * real sign-in. Relays of one cluster pass the same `dataDir` (keys, recordings) and `secret`.
 */
export async function voiceRelay(s: VoiceUnderTest, o: { dataDir: string; secret: Buffer }) {
  const relayClock = new HlcClock('relay', now);
  const audit = createAudit({ identity: s.identity, now, log });
  const directory = createDirectory({ identity: s.identity, records: s.store, clock: relayClock, now });
  const grants = createMonitoringGrants({
    data: s.data,
    store: s.store,
    directory,
    identity: s.identity,
    audit,
    dataDir: o.dataDir,
    now,
  });
  const auth = createAuth(
    s.identity,
    s.store,
    o.secret,
    { accessTokenTtlMs: 3_600_000, refreshTokenTtlMs: 3_600_000, loginThrottle: resolveLoginThrottle(), now },
    () => undefined,
    audit,
  );
  const recordings = createRecordings({
    store: s.store,
    auth,
    audit,
    directory,
    relayClock,
    dataDir: o.dataDir,
    log,
    now,
    options: { sweepIntervalMs: 20 },
  });
  const server: Server = createServer((req, res) => {
    void recordings(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    audit,
    grants,
    token: async (email: string) =>
      (await auth.login({ email, password: PASSWORD, deviceName: 'Laptop' })).accessToken,
    /** A request to the recordings' routes. */
    send: (method: string, path: string, token: string, body?: Buffer | string, type = 'audio/webm') =>
      fetch(new URL(path, url), {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined ? { 'content-type': type } : {}),
        },
        ...(body !== undefined ? { body } : {}),
      }),
    async close() {
      await recordings.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
export type VoiceRelay = Awaited<ReturnType<typeof voiceRelay>>;

/**
 * Two teams: Support (Sue supervises, Ana takes calls) and Billing (Otto supervises), each with a
 * SIP user; a voice conversation of Support whose call is live with Ana; the call's id.
 */
export async function voiceWorld(s: Pick<VoiceUnderTest, 'store' | 'identity'>) {
  const relayClock = new HlcClock('relay', now);
  const accounts = createAccountWrites({ identity: s.identity, records: s.store, clock: relayClock, now });
  const write = (
    entity: 'inbox' | 'agent' | 'conversation' | 'call',
    id: string,
    fields: object,
    convId: string | null,
  ) =>
    s.store.transaction((tx) =>
      writeFieldsAsync(
        tx,
        {
          entity,
          id,
          fields: fields as Record<string, unknown>,
          clock: relayClock.now(),
          convId,
          at: new Date(now()).toISOString(),
        },
        { mutationId: null, agentId: null },
      ),
    );
  const directory = createDirectory({ identity: s.identity, records: s.store, clock: relayClock, now });
  const support = await directory.createTeam('Support', null);
  const billing = await directory.createTeam('Billing', null);
  const inbox = await directory.createInbox({ name: 'Phone', channel: 'voice', teamId: support.id }, null);
  const person = async (name: string, role: 'agent' | 'supervisor', teamId: string) => {
    const a = await accounts.createAgent(
      { email: `${name.toLowerCase()}@voice.test`, password: PASSWORD, name, role, teamIds: [teamId] },
      null,
    );
    await write('agent', a.id, { sipUser: name.toLowerCase() }, null);
    return { id: a.id, email: `${name.toLowerCase()}@voice.test` };
  };
  const sue = await person('Sue', 'supervisor', support.id);
  const ana = await person('Ana', 'agent', support.id);
  const otto = await person('Otto', 'supervisor', billing.id);
  /** A voice conversation of Support whose call is in `state` (Ana's), as the call queue writes it. */
  const voiceConversation = async (callId: string, state: string) => {
    const id = uuidv7(now());
    await write(
      'conversation',
      id,
      {
        channel: 'voice',
        status: 'open',
        subject: 'Call',
        teamId: support.id,
        inboxId: inbox.id,
        assigneeId: state === 'talking' ? ana.id : null,
        call: {
          state,
          at: new Date(now()).toISOString(),
          callId,
          tindex: 1,
          tlabel: 2,
          agentId: state === 'queued' ? null : ana.id,
          from: '+8613912345678',
          queuedAt: new Date(now()).toISOString(),
        },
      },
      id,
    );
    return id;
  };
  const callId = `${uuidv7(now())}@sip.test`;
  const conversationId = await voiceConversation(callId, 'talking');
  return { write, support, billing, inbox, sue, ana, otto, callId, conversationId, voiceConversation };
}
export type VoiceWorld = Awaited<ReturnType<typeof voiceWorld>>;

/** Whom a relay's grant functions see asking. */
export const asker = (w: VoiceWorld, who: 'sue' | 'ana' | 'otto') => ({
  principal: {
    agentId: w[who].id,
    role: who === 'ana' ? ('agent' as const) : ('supervisor' as const),
    deviceId: 'test-device',
    expiresAt: Number.MAX_SAFE_INTEGER,
  },
  ip: '127.0.0.1',
});

/** How many audit lines of `action` there are. */
export async function auditCount(r: VoiceRelay, action: string): Promise<number> {
  return (await r.audit.query({ action, limit: 100 })).entries.length;
}

/** The observed call a redeem names (as Ana's app reports it). */
export const observed = (w: VoiceWorld) => ({ callId: w.callId, fromUser: 'sue' });

/** The body run on each store. */
export function voiceContract(make: () => Promise<VoiceUnderTest>): void {
  async function setUp() {
    const s = await make();
    const w = await voiceWorld(s);
    const dataDir = mkdtempSync(join(tmpdir(), 'sb-voice-'));
    const r = await voiceRelay(s, { dataDir, secret: randomBytes(32) });
    return { s, w, r, dataDir, dispose: async () => (await r.close(), await s.dispose()) };
  }

  it('issues a grant to a supervisor of the call’s team, redeems it once, ends its session once, audits each', async () => {
    const { s, w, r, dispose } = await setUp();
    try {
      // By call id: the voice conversation is found from it.
      const issued = await r.grants.issue(asker(w, 'sue'), { callId: w.callId, mode: 'listen' });
      expect(issued.claims).toMatchObject({
        supervisorId: w.sue.id,
        supervisorSipUser: 'sue',
        supervisorName: 'Sue',
        agentId: w.ana.id,
        agentSipUser: 'ana',
        conversationId: w.conversationId,
        callId: w.callId,
        mode: 'listen',
      });
      // Another team's supervisor and the agent are refused, and that is audited.
      await expect(
        r.grants.issue(asker(w, 'otto'), { callConversationId: w.conversationId, mode: 'barge' }),
      ).rejects.toMatchObject({ code: 'RELAY_ERR_FORBIDDEN' });
      await expect(
        r.grants.issue(asker(w, 'ana'), { callConversationId: w.conversationId, mode: 'listen' }),
      ).rejects.toMatchObject({ code: 'RELAY_ERR_FORBIDDEN' });

      const claims: GrantClaims = await r.grants.redeem(asker(w, 'ana'), {
        grant: issued.grant,
        observed: observed(w),
      });
      expect(claims.id).toBe(issued.claims.id);
      await expect(
        r.grants.redeem(asker(w, 'ana'), { grant: issued.grant, observed: observed(w) }),
      ).rejects.toMatchObject({ message: expect.stringMatching(/\(replayed\)/) as unknown });
      expect(await s.data.grant(issued.claims.id)).toMatchObject({
        supervisor_id: w.sue.id,
        agent_id: w.ana.id,
        redeemed_at: now(),
        ended_at: null,
      });

      clock.t += 5_000;
      expect(
        await r.grants.end(asker(w, 'sue'), { grantId: issued.claims.id, reason: 'supervisor-left' }),
      ).toEqual({
        recorded: true,
      });
      expect(
        await r.grants.end(asker(w, 'ana'), { grantId: issued.claims.id, reason: 'call-ended' }),
      ).toEqual({ recorded: false });
      await expect(
        r.grants.end(asker(w, 'otto'), { grantId: issued.claims.id, reason: 'supervisor-left' }),
      ).rejects.toMatchObject({ code: 'RELAY_ERR_NOT_FOUND' });
      expect((await s.data.grant(issued.claims.id))?.ended_at).toBe(now());

      expect(await auditCount(r, 'monitoring.granted')).toBe(1);
      expect(await auditCount(r, 'monitoring.redeemed')).toBe(1);
      expect(await auditCount(r, 'monitoring.ended')).toBe(1);
      // Otto's and Ana's asks, the replay, Otto's end.
      expect(await auditCount(r, 'monitoring.refused')).toBe(4);
      const ended = (await r.audit.query({ action: 'monitoring.ended', limit: 1 })).entries[0]!;
      expect(ended.detail).toMatchObject({ grantId: issued.claims.id, joined: true, durationMs: 5_000 });

      // A grant past its time is refused, whatever else is right about it.
      const late = await r.grants.issue(asker(w, 'sue'), {
        callConversationId: w.conversationId,
        mode: 'whisper',
      });
      clock.t += 60_000;
      await expect(
        r.grants.redeem(asker(w, 'ana'), { grant: late.grant, observed: observed(w) }),
      ).rejects.toMatchObject({ message: expect.stringMatching(/\(expired\)/) as unknown });
    } finally {
      await dispose();
    }
  });

  it('finds the calls a restart cut off: waiting ones, not those talking or resolved', async () => {
    const { s, w, dispose } = await setUp();
    try {
      const queued = await w.voiceConversation(`${uuidv7(now())}@sip.test`, 'queued');
      const ringing = await w.voiceConversation(`${uuidv7(now())}@sip.test`, 'ringing');
      const resolved = await w.voiceConversation(`${uuidv7(now())}@sip.test`, 'queued');
      await w.write('conversation', resolved, { status: 'resolved' }, resolved);
      const rows = await s.data.liveCallRows();
      expect(rows.map((r) => r.id).sort()).toEqual([queued, ringing].sort());
      expect(rows.find((r) => r.id === queued)).toMatchObject({
        inboxId: w.inbox.id,
        call: { state: 'queued', tindex: 1, tlabel: 2, from: '+8613912345678' },
      });
      expect(await s.data.conversationOfCall('nobody@sip.test')).toBeNull();
    } finally {
      await dispose();
    }
  });

  it('makes callback tasks of the calls a restart cut, routes them, and ends the waiting ones at Kamailio', async () => {
    const { s, w, dispose } = await setUp();
    const waiting = await w.voiceConversation(`${uuidv7(now())}@sip.test`, 'queued');
    const ringing = await w.voiceConversation(`${uuidv7(now())}@sip.test`, 'ringing');
    clock.t += 60_000; // the relay starts again a minute later, with a clock of its own
    const relayClock = new HlcClock('relay', now);
    const { routing, keeper } = startRouting(
      {
        store: s.store,
        identity: s.identity,
        data: s.routing.data,
        leases: s.routing.leases,
        dispose: s.dispose,
      },
      { owner: 'relay-1', now, clock: relayClock, sendToAgent: () => undefined },
    );
    await routing.settled();
    const sent: Record<string, unknown>[] = [];
    const queue = createCallQueue({
      store: s.store,
      relayClock,
      log,
      now,
      inbound: {
        receive: () => {
          throw new Error('no call is queued in this test');
        },
      },
      inboxIds: async () => (await s.identity.inboxes()).map((i) => i.id),
      liveCallRows: () => s.data.liveCallRows(),
      routing,
      send: (m) => (sent.push(m), true),
    });
    routing.attachLiveOffers(queue);
    try {
      queue.onConnected();
      await queue.close();
      await routing.settled();
      // Only the call that waited with nobody ringing is still held at Kamailio: it is told so.
      expect(sent).toEqual([{ t: 'reject', tindex: 1, tlabel: 2, code: 480, reason: REASON_NO_AGENT }]);
      for (const id of [waiting, ringing]) {
        const conv = (await s.store.get('conversation', id))!.data;
        expect(conv).toMatchObject({
          kind: 'callback',
          callback: { number: '+8613912345678' },
          call: { state: 'callback' },
        });
        expect(routing.queuePosition(id)).not.toBeNull();
      }
      expect(await s.data.liveCallRows()).toEqual([]);
    } finally {
      routing.close();
      await routing.settled();
      await keeper.stop();
      await dispose();
    }
  });

  it('keeps a recording where the team records, plays it to the roles allowed, deletes it after retention', async () => {
    const { w, r, dispose } = await setUp();
    try {
      const [sue, ana, otto] = await Promise.all([
        r.token(w.sue.email),
        r.token(w.ana.email),
        r.token(w.otto.email),
      ]);
      const { recordingId, callRecordId } = await recordedCall(w);
      const put = () => r.send('PUT', `/v1/recordings/${recordingId}?call=${callRecordId}`, ana, AUDIO);
      expect((await put()).status).toBe(403); // off by default
      const policy = {
        enabled: true,
        consentText: 'This call is recorded.',
        playbackRoles: ['supervisor'],
        retentionDays: 1,
      };
      const setPolicy = (token: string) =>
        r.send(
          'PUT',
          `/v1/admin/teams/${w.support.id}/recording`,
          token,
          JSON.stringify(policy),
          'application/json',
        );
      expect((await setPolicy(otto)).status).toBe(403);
      expect((await setPolicy(sue)).status).toBe(200);
      expect(await auditCount(r, 'recording.policyChanged')).toBe(1);

      const stored = await put();
      expect(stored.status).toBe(200);
      expect(await stored.json()).toEqual({
        id: recordingId,
        mime: 'audio/webm',
        durationMs: 57_000,
        bytes: AUDIO.length,
      });
      const play = await r.send('GET', `/v1/recordings/${recordingId}`, sue);
      expect(play.status).toBe(200);
      expect(Buffer.from(await play.arrayBuffer()).equals(AUDIO)).toBe(true);
      expect((await r.send('GET', `/v1/recordings/${recordingId}`, ana)).status).toBe(403);
      expect((await r.send('GET', `/v1/recordings/${recordingId}`, otto)).status).toBe(404);
      expect(await auditCount(r, 'recording.played')).toBe(1);

      // Two days on, the sweep has deleted the audio; a supervisor (signed in afresh) is told why.
      clock.t += 2 * 86_400_000;
      const later = await r.token(w.sue.email);
      await expect
        .poll(async () => (await r.send('GET', `/v1/recordings/${recordingId}`, later)).status, {
          timeout: 10_000,
        })
        .toBe(410);
    } finally {
      await dispose();
    }
  });
}

/** A call record of Ana's on the live conversation, naming a recording, as her app syncs it. */
export async function recordedCall(w: VoiceWorld) {
  const recordingId = uuidv7(now());
  const callRecordId = uuidv7(now());
  await w.write(
    'call',
    callRecordId,
    {
      conversationId: w.conversationId,
      agentId: w.ana.id,
      direction: 'in',
      from: '+8613912345678',
      to: 'Ana',
      startedAt: new Date(now()).toISOString(),
      answeredAt: new Date(now()).toISOString(),
      endedAt: new Date(now()).toISOString(),
      recording: { id: recordingId, mime: 'audio/webm', durationMs: 57_000, bytes: AUDIO.length },
    },
    w.conversationId,
  );
  return { recordingId, callRecordId };
}
