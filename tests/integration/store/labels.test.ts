import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import { RELAY_ERR } from '../../../src/shared/sync/protocol';
import { drain, hello, login, mutation } from '../relay/helpers';
import { relayWithTeam, startApp, stopApp, until, settled, type App } from './relayHarness';

// Two agents of one team label the same conversation at once, one of them offline: labels merge
// as a set on the relay (each add and remove applied to what it holds), so both apps converge on
// every label either added, minus those removed. Bad labels are refused with a reason.
let relay: Relay;
let asAdmin: (path: string, body: unknown) => Promise<{ id: string }>;
let ana: App;
let bo: App;
let conv: string;

beforeAll(async () => {
  const r = await relayWithTeam();
  relay = r.relay;
  asAdmin = r.asAdmin;
  await r.agent('ana@relay.test', 'Ana');
  await r.agent('bo@relay.test', 'Bo');
  ana = await startApp(relay, 'ana@relay.test');
  bo = await startApp(relay, 'bo@relay.test');
  await until(() => settled(ana) && settled(bo));
  const customer = ana.store.newId();
  conv = ana.store.newId();
  ana.store.mutate('customer.create', { id: customer, fields: { name: 'Chen Jie' } });
  ana.store.mutate('conversation.create', {
    id: conv,
    customerId: customer,
    channel: 'chat',
    subject: 'Refund',
  });
  await until(() => settled(ana) && bo.store.conversation(conv) !== null);
});
afterAll(async () => {
  [ana, bo].forEach(stopApp);
  await relay.close();
});

const labelsOf = (a: App) => a.store.conversation(conv)?.labels ?? [];
const sorted = (l: readonly string[]) => [...l].sort();

describe('conversation labels across two apps', () => {
  it('concurrent adds and removes by two agents, one offline, converge on both', async () => {
    ana.store.mutate('conversation.addLabel', { id: conv, label: 'vip' });
    await until(() => settled(ana) && labelsOf(bo).includes('vip'));

    // Bo goes offline and labels; meanwhile Ana labels and removes on the relay.
    bo.client.stop();
    bo.store.mutate('conversation.addLabel', { id: conv, label: 'refund' });
    bo.store.mutate('conversation.addLabel', { id: conv, label: '退款' });
    bo.store.mutate('conversation.removeLabel', { id: conv, label: 'vip' });
    expect(sorted(labelsOf(bo))).toEqual(sorted(['refund', '退款']));
    ana.store.mutate('conversation.addLabel', { id: conv, label: 'billing' });
    ana.store.mutate('conversation.addLabel', { id: conv, label: 'refund' });
    await until(() => settled(ana));
    expect(sorted(labelsOf(ana))).toEqual(sorted(['vip', 'billing', 'refund']));

    // Back online: Bo's changes apply to what the relay holds now, so Ana's billing stays.
    bo.client.start();
    const want = sorted(['billing', 'refund', '退款']);
    await until(
      () =>
        settled(ana) &&
        settled(bo) &&
        JSON.stringify(sorted(labelsOf(ana))) === JSON.stringify(want) &&
        JSON.stringify(sorted(labelsOf(bo))) === JSON.stringify(want),
    );
    // Both show the same order too: the relay's.
    expect(labelsOf(bo)).toEqual(labelsOf(ana));
    expect(ana.store.rejected()).toEqual([]);
    expect(bo.store.rejected()).toEqual([]);
  });

  it('refuses bad labels with a reason, and labels on a conversation the agent cannot see', async () => {
    const tokens = await login(relay, 'ana@relay.test', 'agent-pass-1', 'raw client');
    const c = await hello(relay, tokens.accessToken);
    await drain(c);
    const bad = [
      ['a\nb', 'control characters'],
      ['x'.repeat(65), 'at most 64 characters'],
      ['', 'cannot be empty'],
      [' padded ', 'start or end with spaces'],
    ] as const;
    c.send({
      t: 'push',
      batch: 1,
      mutations: bad.map(([label]) => mutation('conversation.addLabel', { id: conv, label })),
    });
    const r = await c.next('pushResult', (f) => f.batch === 1);
    r.results.forEach((res, i) => {
      expect(res).toMatchObject({ status: 'rejected', code: RELAY_ERR.VALIDATION });
      expect((res as { message: string }).message).toContain(bad[i]![1]);
    });

    // An agent of another team may not label it: the relay does not even say it exists.
    const other = await asAdmin('/v1/admin/teams', { name: 'Billing' });
    await asAdmin('/v1/admin/agents', {
      email: 'cy@relay.test',
      password: 'agent-pass-1',
      name: 'Cy',
      teamIds: [other.id],
    });
    const cy = await hello(relay, (await login(relay, 'cy@relay.test', 'agent-pass-1')).accessToken);
    await drain(cy);
    cy.send({
      t: 'push',
      batch: 1,
      mutations: [mutation('conversation.addLabel', { id: conv, label: 'mine' })],
    });
    const forbidden = await cy.next('pushResult', (f) => f.batch === 1);
    expect(forbidden.results[0]).toMatchObject({ status: 'rejected', code: RELAY_ERR.FORBIDDEN });
    c.ws.close();
    cy.ws.close();
    await until(() => settled(ana));
    expect(labelsOf(ana)).not.toContain('mine');
  });
});
