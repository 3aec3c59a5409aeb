import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import type { SupervisorBoard } from '../../../src/shared/supervisor';
import { ADMIN, hello, http, login, startTestRelay, type Client } from '../relay/helpers';

// SLA on the live board: a conversation whose due time (set by the relay from the inbox's SLA
// policy) is near counts as at risk, one past it as breached; the board changes as time passes,
// pushed with nothing else happening.

let relay: Relay & { dataDir: string };
let adminToken: string;
let inbox: string;
let offset = 0;
const watchers: Client[] = [];

beforeAll(async () => {
  relay = await startTestRelay({
    now: () => Date.now() + offset,
    supervisor: { slaAtRiskMs: 15 * 60_000, tickMs: 100 },
  });
  adminToken = (await login(relay, ADMIN.email, ADMIN.password)).accessToken;
  const team = (
    await http<{ id: string }>(relay, 'POST', '/v1/admin/teams', { name: 'SLA team' }, adminToken)
  ).body.id;
  inbox = (
    await http<{ id: string }>(
      relay,
      'POST',
      '/v1/admin/inboxes',
      { name: 'SLA mail', channel: 'email', teamId: team },
      adminToken,
    )
  ).body.id;
  const sla = await http(
    relay,
    'PUT',
    `/v1/admin/inboxes/${inbox}/sla`,
    {
      firstResponseMinutes: 10,
      resolutionMinutes: null,
      timeZone: 'Asia/Shanghai',
      hours: null,
      holidays: [],
    },
    adminToken,
  );
  expect(sla.status).toBe(200);
});

afterAll(async () => {
  for (const c of watchers) c.ws.close();
  await relay.close();
});

describe('supervisor board: SLA', () => {
  it('counts a conversation near its due time as at risk, then breached once it passes', async () => {
    const admin = await hello(relay, adminToken);
    watchers.push(admin);
    admin.send({ t: 'watch', on: true });
    const q = (b: SupervisorBoard) => b.queues.find((x) => x.inboxId === inbox)!;
    const r = await http(
      relay,
      'POST',
      '/v1/channels/api/messages',
      { inboxId: inbox, from: { name: 'Sun Li', email: 'sun@example.cn' }, text: '发票什么时候开？' },
      adminToken,
    );
    expect(r.status).toBe(201);
    const risk = await admin.next('board', (f) => q(f.board).slaAtRisk === 1);
    expect(q(risk.board).slaBreached).toBe(0);
    // Eleven minutes on: past the ten-minute first response.
    offset = 11 * 60_000;
    const breached = await admin.next('board', (f) => q(f.board).slaBreached === 1);
    expect(q(breached.board).slaAtRisk).toBe(0);
  });
});
