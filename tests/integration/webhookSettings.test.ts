// An API inbox's webhook through main's handlers: a real relay, real services, a real receiver.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Handlers } from '../../src/main/api/handlers';
import type { Services } from '../../src/main/services';
import { LOCAL_ERR } from '../../src/main/base/errors';
import type { Relay } from '../../src/relay/index';
import { apiCalls } from '../../src/shared/api';
import { relayWithTeam, signedInSupervisor } from './store/relayHarness';

let relay: Relay;
let services: Services;
let handlers: Handlers;
let inboxId: string;
let chatInboxId: string;
let otherInboxId: string;
// The receiver answers each webhook.test with the next status (200 when none is left).
const statuses: number[] = [];
let receiver: Server;
let url: string;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(statuses.shift() ?? 200).end('{}'));
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  // The receiver is on loopback, which the relay refuses unless private networks are allowed.
  const r = await relayWithTeam({ webhook: { allowPrivateNetworks: true } });
  relay = r.relay;
  const teamId = r.team.id;
  const otherTeamId = (await r.asAdmin('/v1/admin/teams', { name: 'Elsewhere' })).id;
  inboxId = (await r.asAdmin('/v1/admin/inboxes', { name: 'Shop API', channel: 'api', teamId })).id;
  chatInboxId = (await r.asAdmin('/v1/admin/inboxes', { name: 'Chat', channel: 'chat', teamId })).id;
  otherInboxId = (
    await r.asAdmin('/v1/admin/inboxes', { name: 'Other API', channel: 'api', teamId: otherTeamId })
  ).id;
  ({ services, handlers } = await signedInSupervisor(r, teamId));
});

afterAll(async () => {
  await services?.session.close();
  await relay?.close();
  receiver?.closeAllConnections();
  await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()));
});

describe('main/api/webhookSettings', () => {
  it('answers null before an inbox has a webhook', async () => {
    expect(await handlers['teams:getWebhook']({ inboxId })).toEqual({ webhook: null });
  });

  it("refuses a webhook whose test fails, in the relay's words, and saves nothing", async () => {
    statuses.push(500);
    await expect(handlers['teams:setWebhook']({ inboxId, url })).rejects.toMatchObject({
      code: LOCAL_ERR.INVALID_MUTATION,
      message: expect.stringContaining('Nothing was saved.') as string,
    });
    expect(await handlers['teams:getWebhook']({ inboxId })).toEqual({ webhook: null });
  });

  it('saves a tested webhook, answers a secret it made once, keeps it on the next save', async () => {
    const first = await handlers['teams:setWebhook']({ inboxId, url });
    expect(first).toMatchObject({ inboxId, url, secretSet: true });
    expect(first.secret).toMatch(/^[0-9a-f]{64}$/);
    const again = await handlers['teams:setWebhook']({ inboxId, url: `${url}/v2` });
    expect(again.secret).toBeUndefined();
    expect((await handlers['teams:getWebhook']({ inboxId })).webhook).toMatchObject({ url: `${url}/v2` });
    const given = await handlers['teams:setWebhook']({ inboxId, url, secret: 's'.repeat(20) });
    expect(given.secret).toBeUndefined();
  });

  it('removes the webhook', async () => {
    expect(await handlers['teams:removeWebhook']({ inboxId })).toEqual({ inboxId, removed: true });
    expect(await handlers['teams:getWebhook']({ inboxId })).toEqual({ webhook: null });
  });

  it("refuses other channels' inboxes and other teams' inboxes with the relay's reasons", async () => {
    await expect(handlers['teams:setWebhook']({ inboxId: chatInboxId, url })).rejects.toMatchObject({
      message: expect.stringContaining('webhooks belong to API inboxes') as string,
    });
    await expect(handlers['teams:getWebhook']({ inboxId: otherInboxId })).rejects.toMatchObject({
      message: 'Only admins and the supervisors of this team may do this.',
    });
  });

  it('checks the arguments before asking the relay', () => {
    const args = apiCalls['teams:setWebhook'].args;
    expect(args.safeParse({ inboxId, url: 'ftp://example.com/' }).success).toBe(false);
    expect(args.safeParse({ inboxId, url, secret: 'too short' }).success).toBe(false);
    expect(args.safeParse({ inboxId, url, secret: 's'.repeat(16) }).success).toBe(true);
  });
});
