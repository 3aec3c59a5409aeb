import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import { relayWithTeam, post, startApp, stopApp, until, settled, type App } from '../store/relayHarness';

// Call recordings on a real relay: a team policy (off by default), upload by the agent who took the
// call once its record is in, encryption at rest, playback by role and visibility.
let relay: Relay;
let dataDir: string;
let teamId: string;
let asAdmin: (path: string, body: unknown) => Promise<{ id: string }>;
let ana: App;
const tokens: Record<string, string> = {};
const MARKER = Buffer.from('SPOKEN-WORDS-THAT-MUST-NOT-BE-ON-DISK-IN-CLEAR');
const audio = Buffer.concat([
  Buffer.from([0x1a, 0x45, 0xdf, 0xa3]),
  randomBytes(2000),
  MARKER,
  randomBytes(2000),
]);

async function login(email: string, password = 'agent-pass-1'): Promise<string> {
  const r = await post(relay, '/v1/auth/login', { email, password, deviceName: `${email} tool` });
  return ((await r.json()) as { accessToken: string }).accessToken;
}

const send = (method: string, path: string, token: string, body?: Buffer | string, type = 'audio/webm') =>
  fetch(new URL(path, relay.url), {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': type } : {}) },
    ...(body !== undefined ? { body } : {}),
  });

beforeAll(async () => {
  const r = await relayWithTeam({ recordings: { maxBytes: 64 * 1024 } });
  relay = r.relay;
  dataDir = r.dataDir;
  teamId = r.team.id;
  asAdmin = r.asAdmin;
  await r.agent('ana@relay.test', 'Ana');
  await r.agent('ben@relay.test', 'Ben');
  await asAdmin('/v1/admin/agents', {
    email: 'sue@relay.test',
    password: 'agent-pass-1',
    name: 'Sue',
    role: 'supervisor',
    teamIds: [teamId],
  });
  const other = await asAdmin('/v1/admin/teams', { name: 'Billing' });
  await asAdmin('/v1/admin/agents', {
    email: 'otto@relay.test',
    password: 'agent-pass-1',
    name: 'Otto',
    role: 'supervisor',
    teamIds: [other.id],
  });
  for (const who of ['ana', 'ben', 'sue', 'otto']) tokens[who] = await login(`${who}@relay.test`);
  tokens['admin'] = await login('admin@example.com', 'admin-pass-1');
  ana = await startApp(relay, 'ana@relay.test');
  await until(() => settled(ana));
});
afterAll(async () => {
  stopApp(ana);
  await relay.close();
});

function logRecordedCall(recordingId: string): string {
  const s = ana.store;
  const customer = s.newId();
  const conv = s.newId();
  const call = s.newId();
  s.mutate('customer.create', {
    id: customer,
    fields: { name: 'Chen Jie 陈杰', phones: ['+8613912345678'] },
  });
  s.mutate('conversation.create', { id: conv, customerId: customer, channel: 'voice', subject: 'Call' });
  s.mutate('call.log', {
    id: call,
    conversationId: conv,
    direction: 'in',
    from: '+8613912345678',
    to: 'Ana',
    startedAt: '2026-11-23T08:00:00.000Z',
    answeredAt: '2026-11-23T08:00:03.000Z',
    endedAt: '2026-11-23T08:01:00.000Z',
    disposition: 'resolved',
    note: '',
    recording: { id: recordingId, mime: 'audio/webm', durationMs: 57_000, bytes: audio.length },
  });
  return call;
}

describe('call recordings', () => {
  it('keeps a recording only where the team records, encrypted, and plays it to the roles allowed', async () => {
    const recordingId = ana.store.newId();
    const early = ana.store.newId();
    // Before the call record reaches the relay: the app is told to retry.
    const notYet = await send(
      'PUT',
      `/v1/recordings/${early}?call=${ana.store.newId()}`,
      tokens['ana']!,
      audio,
    );
    expect(notYet.status).toBe(409);

    const call = logRecordedCall(recordingId);
    await until(() => settled(ana));
    const put = (token: string, body: Buffer | string = audio, type?: string) =>
      send('PUT', `/v1/recordings/${recordingId}?call=${call}`, token, body, type);

    // Off by default: refused with the reason.
    const off = await put(tokens['ana']!);
    expect(off.status).toBe(403);
    expect(JSON.stringify(await off.json())).toMatch(/recording is off for this team/);

    // Only admins and the team's supervisors set the policy; bad settings get a reason.
    const policy = {
      enabled: true,
      consentText: '本次通话将被录音 This call is recorded.',
      playbackRoles: ['supervisor'],
    };
    expect(
      (
        await send(
          'PUT',
          `/v1/admin/teams/${teamId}/recording`,
          tokens['ana']!,
          JSON.stringify(policy),
          'application/json',
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await send(
          'PUT',
          `/v1/admin/teams/${teamId}/recording`,
          tokens['otto']!,
          JSON.stringify(policy),
          'application/json',
        )
      ).status,
    ).toBe(403);
    const bad = await send(
      'PUT',
      `/v1/admin/teams/${teamId}/recording`,
      tokens['sue']!,
      JSON.stringify({ ...policy, playbackRoles: ['janitor'] }),
      'application/json',
    );
    expect(bad.status).toBe(422);
    expect(
      (
        await send(
          'PUT',
          `/v1/admin/teams/${teamId}/recording`,
          tokens['sue']!,
          JSON.stringify(policy),
          'application/json',
        )
      ).status,
    ).toBe(200);
    // The app learns the policy through sync (it decides whether to record from it).
    await until(
      () =>
        (ana.store.record('team', teamId)?.data['recording'] as { enabled?: boolean } | undefined)
          ?.enabled === true,
    );

    // Wrong uploads are refused with what to do; the right one is stored once.
    expect((await put(tokens['ana']!, audio, 'audio/mpeg')).status).toBe(415);
    expect((await put(tokens['ana']!, 'not audio at all')).status).toBe(415);
    expect((await put(tokens['ben']!)).status).toBe(403);
    expect((await put(tokens['ana']!, Buffer.concat([audio, randomBytes(64 * 1024)]))).status).toBe(413);
    const ok = await put(tokens['ana']!);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      id: recordingId,
      mime: 'audio/webm',
      durationMs: 57_000,
      bytes: audio.length,
    });
    expect((await put(tokens['ana']!)).status).toBe(200); // a retry after a lost answer

    // Encrypted at rest: the words are not in the file.
    const file = join(dataDir, 'recordings', `${recordingId}.sbr`);
    expect(readFileSync(file).includes(MARKER)).toBe(false);

    // Playback: the team's supervisor and admins; not an agent (policy), not another team.
    const get = (who: string) => send('GET', `/v1/recordings/${recordingId}`, tokens[who]!);
    const bySue = await get('sue');
    expect(bySue.status).toBe(200);
    expect(bySue.headers.get('content-type')).toBe('audio/webm');
    expect(bySue.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await bySue.arrayBuffer()).equals(audio)).toBe(true);
    expect((await get('admin')).status).toBe(200);
    expect((await get('ana')).status).toBe(403);
    expect((await get('otto')).status).toBe(404);
    expect((await send('GET', `/v1/recordings/${recordingId}`, 'not-a-token')).status).toBe(401);

    // Every play and every policy change is on the audit log, with who did it.
    const audit = async (action: string) =>
      (
        (await (await send('GET', `/v1/admin/audit?action=${action}`, tokens['admin']!)).json()) as {
          entries: { target: string; actorEmail: string }[];
        }
      ).entries;
    const plays = (await audit('recording.played')).filter((e) => e.target === recordingId);
    expect(plays.map((e) => e.actorEmail).sort()).toEqual(['admin@example.com', 'sue@relay.test'].sort());
    expect((await audit('recording.policyChanged')).some((e) => e.target === teamId)).toBe(true);

    // A damaged file is reported as such, not served.
    const stored = readFileSync(file);
    stored[stored.length - 20]! ^= 0xff;
    writeFileSync(file, stored);
    const damaged = await get('sue');
    expect(damaged.status).toBe(500);
    expect(JSON.stringify(await damaged.json())).toMatch(/damaged/);
  });
});

describe('recording retention', () => {
  it("deletes a recording's audio once the team's retention has passed, and says so", async () => {
    let clock = Date.now();
    const r = await relayWithTeam({ now: () => clock, recordings: { sweepIntervalMs: 20 } });
    await r.agent('ava@relay.test', 'Ava');
    await r.asAdmin('/v1/admin/agents', {
      email: 'sam@relay.test',
      password: 'agent-pass-1',
      name: 'Sam',
      role: 'supervisor',
      teamIds: [r.team.id],
    });
    const tokenOf = async (email: string) =>
      (
        (await (
          await post(r.relay, '/v1/auth/login', {
            email,
            password: 'agent-pass-1',
            deviceName: `${email} tool`,
          })
        ).json()) as { accessToken: string }
      ).accessToken;
    const call = (method: string, path: string, token: string, body?: Buffer | string, type = 'audio/webm') =>
      fetch(new URL(path, r.relay.url), {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined ? { 'content-type': type } : {}),
        },
        ...(body !== undefined ? { body } : {}),
      });
    const policy = {
      enabled: true,
      consentText: 'Recorded.',
      playbackRoles: ['supervisor'],
      retentionDays: 1,
    };
    expect(
      (
        await call(
          'PUT',
          `/v1/admin/teams/${r.team.id}/recording`,
          await tokenOf('sam@relay.test'),
          JSON.stringify(policy),
          'application/json',
        )
      ).status,
    ).toBe(200);

    const app = await startApp(r.relay, 'ava@relay.test');
    await until(() => settled(app));
    const s = app.store;
    const [customer, conv, callId, recordingId] = [s.newId(), s.newId(), s.newId(), s.newId()];
    s.mutate('customer.create', { id: customer, fields: { name: 'Sun Li' } });
    s.mutate('conversation.create', { id: conv, customerId: customer, channel: 'voice', subject: 'Call' });
    s.mutate('call.log', {
      id: callId,
      conversationId: conv,
      direction: 'in',
      from: '+8613912345678',
      to: 'Ava',
      startedAt: new Date(clock - 60_000).toISOString(),
      answeredAt: new Date(clock - 55_000).toISOString(),
      endedAt: new Date(clock).toISOString(),
      disposition: null,
      note: '',
      recording: { id: recordingId, mime: 'audio/webm', durationMs: 55_000, bytes: audio.length },
    });
    await until(() => settled(app));
    const ava = await tokenOf('ava@relay.test');
    expect((await call('PUT', `/v1/recordings/${recordingId}?call=${callId}`, ava, audio)).status).toBe(200);
    expect((await call('GET', `/v1/recordings/${recordingId}`, await tokenOf('sam@relay.test'))).status).toBe(
      200,
    );
    stopApp(app);

    // Two days later the sweep has deleted the audio; the supervisor is told why.
    clock += 2 * 86_400_000;
    const sam = await tokenOf('sam@relay.test');
    let res = await call('GET', `/v1/recordings/${recordingId}`, sam);
    while (res.status === 200) {
      await new Promise((w) => setTimeout(w, 20));
      res = await call('GET', `/v1/recordings/${recordingId}`, sam);
    }
    expect(res.status).toBe(410);
    expect(JSON.stringify(await res.json())).toMatch(/retention period/);
    expect(() => readFileSync(join(r.dataDir, 'recordings', `${recordingId}.sbr`))).toThrow();
    await r.relay.close();
  });
});
