import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../../src/relay/data/sqliteStore';
import type { Report } from '../../../src/shared/reports/figures';
import { ADMIN, http, login, startTestRelay } from '../relay/helpers';
import { generate, localKey, oracle, writeAll, type GenConv, type GenTeam } from '../../support/reportData';

// Reports over generated work: the relay's figures equal those computed here from the generated
// events, per group and per local day or hour, in Asia/Shanghai (no DST) and America/New_York
// across its spring-forward on Sunday 2026-03-08 (that local day has 23 hours).

let relay: Awaited<ReturnType<typeof startTestRelay>>;
let convs: GenConv[];
let teams: GenTeam[];
let adminToken: string;
let supervisorA: string;
let agentToken: string;

const FROM = '2026-03-06';
const TO = '2026-03-10';
// Local midnights of the range, known from the zones' rules (not computed by the code under test).
const NY_DAYS = [
  '2026-03-06T05:00:00.000Z',
  '2026-03-07T05:00:00.000Z',
  '2026-03-08T05:00:00.000Z',
  '2026-03-09T04:00:00.000Z',
];
const SH_DAYS = [
  '2026-03-05T16:00:00.000Z',
  '2026-03-06T16:00:00.000Z',
  '2026-03-07T16:00:00.000Z',
  '2026-03-08T16:00:00.000Z',
];

async function report(token: string, q: Record<string, string>) {
  const get = () =>
    http<Report & { error?: { code: string } }>(
      relay,
      'GET',
      `/v1/reports?${new URLSearchParams(q)}`,
      undefined,
      token,
    );
  // Seeding can leave fetch's pooled connection idle for about the server's keep-alive timeout
  // (5 s): a reuse that races the server's close is reset before any request is read. Once more.
  return get().catch((err: unknown) => {
    if ((err as { cause?: { code?: string } }).cause?.code !== 'ECONNRESET') throw err;
    return get();
  });
}

/** The relay's rows as `${group}|${local key}` → sums, with the bucket named by its start's local day or hour. */
function byKey(r: Report): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  for (const row of r.rows) {
    const { group, bucket, ...sums } = row;
    out.set(`${group}|${localKey(Date.parse(r.buckets[bucket]!.start), r.tz, r.bucket)}`, sums);
  }
  return out;
}

beforeAll(async () => {
  relay = await startTestRelay();
  adminToken = (await login(relay, ADMIN.email, ADMIN.password)).accessToken;
  const post = async (path: string, body: unknown) => {
    const r = await http<{ id: string }>(relay, 'POST', path, body, adminToken);
    if (r.status !== 200) throw new Error(`${path}: ${JSON.stringify(r.body)}`);
    return r.body.id;
  };
  teams = [];
  for (const name of ['North', 'South']) {
    const id = await post('/v1/admin/teams', { name });
    const agents: string[] = [];
    for (let i = 0; i < 3; i++)
      agents.push(
        await post('/v1/admin/agents', {
          email: `${name.toLowerCase()}-${i}@relay.test`,
          password: 'password-123',
          name: `${name} agent ${i}`,
          teamIds: [id],
        }),
      );
    const inbox = async (channel: string) =>
      post('/v1/admin/inboxes', { name: `${name} ${channel}`, channel, teamId: id });
    teams.push({
      id,
      agents,
      inboxes: { voice: await inbox('voice'), chat: await inbox('chat'), email: await inbox('email') },
    });
  }
  await post('/v1/admin/agents', {
    email: 'sup-north@relay.test',
    password: 'password-123',
    name: 'North supervisor',
    role: 'supervisor',
    teamIds: [teams[0]!.id],
  });
  supervisorA = (await login(relay, 'sup-north@relay.test', 'password-123')).accessToken;
  agentToken = (await login(relay, 'north-0@relay.test', 'password-123')).accessToken;

  const minute = 60_000;
  // Conversations a minute either side of each zone's local midnights, to catch an off-by-an-offset day.
  const pins = [...NY_DAYS, ...SH_DAYS, '2026-03-08T06:59:00.000Z', '2026-03-08T07:01:00.000Z'].flatMap(
    (d) => [Date.parse(d) - minute, Date.parse(d) + minute],
  );
  convs = generate({
    seed: 12,
    count: 400,
    start: Date.parse('2026-03-05T16:00:00.000Z'),
    end: Date.parse('2026-03-10T04:00:00.000Z'),
    teams,
    pins,
  });
  // Through the relay's own store on its database: the write path its channels and pushes take.
  writeAll(createStore(relay.db, Date.now), convs);
});

afterAll(async () => {
  await relay?.close();
});

describe('relay reports', () => {
  for (const tz of ['America/New_York', 'Asia/Shanghai']) {
    it(`match the figures computed from the events, by agent and day, in ${tz}`, async () => {
      const r = await report(adminToken, { from: FROM, to: TO, tz, groupBy: 'agent', bucket: 'day' });
      expect(r.status).toBe(200);
      expect(r.body.buckets.map((b) => b.start)).toEqual(tz === 'America/New_York' ? NY_DAYS : SH_DAYS);
      if (tz === 'America/New_York') {
        // Spring forward: Sunday has 23 hours.
        const sunday = r.body.buckets[2]!;
        expect(Date.parse(sunday.end) - Date.parse(sunday.start)).toBe(23 * 3_600_000);
      }
      const start = Date.parse(r.body.buckets[0]!.start);
      const end = Date.parse(r.body.buckets.at(-1)!.end);
      const expected = oracle(convs, {
        tz,
        bucket: 'day',
        groupBy: 'agent',
        now: Date.now(),
        keep: (c) => c.created >= start && c.created < end,
      });
      expect(Object.fromEntries(byKey(r.body))).toEqual(Object.fromEntries(expected));
      expect(r.body.rows.length).toBeGreaterThan(20);
      // Every agent is named as the admin named them; unassigned work has the empty key.
      expect(r.body.groups.find((g) => g.key === teams[0]!.agents[0])?.name).toBe('North agent 0');
    });
  }

  it('match by queue and hour across the DST change, 23 hours on Sunday in New York', async () => {
    const q = {
      from: '2026-03-08',
      to: '2026-03-09',
      tz: 'America/New_York',
      groupBy: 'queue',
      bucket: 'hour',
    };
    const r = await report(adminToken, q);
    expect(r.status).toBe(200);
    expect(r.body.buckets).toHaveLength(23);
    // 01:00 EST is followed by 03:00 EDT, one hour of elapsed time later.
    expect(r.body.buckets[2]!.start).toBe('2026-03-08T07:00:00.000Z');
    const keys = r.body.buckets.map((b) => localKey(Date.parse(b.start), q.tz, 'hour'));
    expect(keys[1]).toBe('2026-03-08 01');
    expect(keys[2]).toBe('2026-03-08 03');
    const start = Date.parse('2026-03-08T05:00:00.000Z');
    const end = Date.parse('2026-03-09T04:00:00.000Z');
    const expected = oracle(convs, {
      tz: q.tz,
      bucket: 'hour',
      groupBy: 'queue',
      now: Date.now(),
      keep: (c) => c.created >= start && c.created < end,
    });
    expect(Object.fromEntries(byKey(r.body))).toEqual(Object.fromEntries(expected));
  });

  it('match by channel and by team, with figures in every column', async () => {
    for (const groupBy of ['channel', 'team'] as const) {
      const r = await report(adminToken, { from: FROM, to: TO, tz: 'Asia/Shanghai', groupBy, bucket: 'day' });
      const start = Date.parse(SH_DAYS[0]!);
      const end = Date.parse('2026-03-09T16:00:00.000Z');
      const expected = oracle(convs, {
        tz: 'Asia/Shanghai',
        bucket: 'day',
        groupBy,
        now: Date.now(),
        keep: (c) => c.created >= start && c.created < end,
      });
      expect(Object.fromEntries(byKey(r.body))).toEqual(Object.fromEntries(expected));
    }
    // The generated work exercises every figure (a sum that stayed 0 would prove nothing).
    const all = oracle(convs, { tz: 'UTC', bucket: 'day', groupBy: 'channel', now: Date.now() });
    const totals: Record<string, number> = {};
    for (const s of all.values()) for (const [k, v] of Object.entries(s)) totals[k] = (totals[k] ?? 0) + v;
    for (const [k, v] of Object.entries(totals)) expect(v, k).toBeGreaterThan(0);
  });

  it('gives a supervisor the figures of their own teams only', async () => {
    const r = await report(supervisorA, {
      from: FROM,
      to: TO,
      tz: 'Asia/Shanghai',
      groupBy: 'team',
      bucket: 'day',
    });
    expect(r.status).toBe(200);
    expect(r.body.groups.map((g) => g.key)).toEqual([teams[0]!.id]);
    const start = Date.parse(SH_DAYS[0]!);
    const end = Date.parse('2026-03-09T16:00:00.000Z');
    const expected = oracle(convs, {
      tz: 'Asia/Shanghai',
      bucket: 'day',
      groupBy: 'team',
      now: Date.now(),
      keep: (c) => c.teamId === teams[0]!.id && c.created >= start && c.created < end,
    });
    expect(Object.fromEntries(byKey(r.body))).toEqual(Object.fromEntries(expected));
    const byAgent = await report(supervisorA, {
      from: FROM,
      to: TO,
      tz: 'UTC',
      groupBy: 'agent',
      bucket: 'day',
    });
    for (const g of byAgent.body.groups) expect([...teams[0]!.agents, '']).toContain(g.key);
  });

  it('refuses agents, strangers and bad requests with a code', async () => {
    const q = { from: FROM, to: TO, tz: 'UTC', groupBy: 'agent', bucket: 'day' };
    const agent = await report(agentToken, q);
    expect(agent.status).toBe(403);
    expect(agent.body.error?.code).toBe('RELAY_ERR_FORBIDDEN');
    const stranger = await http(relay, 'GET', `/v1/reports?${new URLSearchParams(q)}`);
    expect(stranger.status).toBe(401);
    for (const bad of [
      { ...q, tz: 'Mars/Olympus_Mons' },
      { ...q, groupBy: 'customer' },
      { ...q, from: TO, to: FROM },
      { ...q, from: '2026-01-01', to: '2026-03-01', bucket: 'hour' },
      { ...q, extra: '1' },
    ]) {
      const r = await report(adminToken, bad);
      expect(r.status, JSON.stringify(bad)).toBe(422);
      expect(r.body.error?.code).toBe('RELAY_ERR_VALIDATION');
    }
    expect((await http(relay, 'GET', '/healthz')).status).toBe(200);
  });

  it('exports the figures as CSV, and the export is in the audit log', async () => {
    const q = { from: FROM, to: TO, tz: 'Asia/Shanghai', groupBy: 'team', bucket: 'day' };
    const res = await fetch(`${relay.url}/v1/reports.csv?${new URLSearchParams(q)}`, {
      headers: { authorization: `Bearer ${supervisorA}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await res.text())
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toMatch(/^group,group_name,bucket_start,bucket_end,volume,/);
    expect(lines[1]).toMatch(
      new RegExp(`^${teams[0]!.id},North,2026-03-06T00:00:00\\+08:00,2026-03-07T00:00:00\\+08:00,`),
    );
    const audit = await http<{
      entries: { action: string; actorEmail: string; detail: Record<string, unknown> }[];
    }>(relay, 'GET', '/v1/admin/audit?action=report.exported', undefined, adminToken);
    expect(audit.body.entries[0]).toMatchObject({
      action: 'report.exported',
      actorEmail: 'sup-north@relay.test',
      detail: { from: FROM, to: TO, tz: 'Asia/Shanghai' },
    });
    const refused = await fetch(`${relay.url}/v1/reports.csv?${new URLSearchParams(q)}`, {
      headers: { authorization: `Bearer ${agentToken}` },
    });
    expect(refused.status).toBe(403);
  });
});
