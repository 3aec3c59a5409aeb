import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { expect, type Locator, type Page } from '@playwright/test';
import { startHost, stopHost, type RunningHost } from '../fixtures';
import { DEMO_PASSWORD, type RunningRelay } from '../relay';
import { setMyStatus } from './agentStatus';

// What the web chat specs share: a shop's page on its own origin embedding the relay's widget, the
// visitor starting a chat on it, and the agent signed in, available, and accepting the chat.

/** A shop's web page serving the widget; `close` stops it. */
export type ShopSite = { url: string; close: () => Promise<void> };

/** One value the relay's database answers to `sql` (opened read-only for the query). */
export function readRelay<T>(relay: RunningRelay, sql: string, ...params: unknown[]): T {
  const db = new Database(join(relay.dataDir, 'relay.db'), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(sql)
      .pluck()
      .get(...params) as T;
  } finally {
    db.close();
  }
}

/** The first chat inbox of a team that `email` is a member of. */
export function chatInboxOf(relay: RunningRelay, email = 'agent@demo.switchboard'): string {
  return readRelay<string>(
    relay,
    `SELECT i.id FROM inboxes i JOIN team_members m ON m.team_id = i.team_id JOIN agents a ON a.id = m.agent_id
     WHERE a.email = ? AND i.channel = 'chat' LIMIT 1`,
    email,
  );
}

/**
 * Serves a shop's page on a loopback port of its own that embeds the relay's widget for `inboxId`:
 * `/` in the browser's language, `/zh-TW` asking for Traditional Chinese.
 */
export async function startShopSite(relay: RunningRelay, inboxId: string): Promise<ShopSite> {
  const html = (
    lang: string,
  ) => `<!doctype html><html><head><title>Demo shop</title></head><body><h1>Demo shop</h1>
<script src="${relay.url}/widget.js" data-inbox="${inboxId}"${lang ? ` data-lang="${lang}"` : ''}></script></body></html>`;
  const site = createServer((req, res) =>
    res.writeHead(200, { 'content-type': 'text/html' }).end(html(req.url === '/zh-TW' ? 'zh-TW' : '')),
  );
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(site.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((r) => site.close(() => r())),
  };
}

/**
 * Starts a browser host signed in as the demo agent against `relayUrl`, opens it in `page`, waits
 * until it is online and sets the agent available (a host that gets no further is stopped). Stop
 * the host it returns with stopHost.
 */
export async function signInAvailable(
  page: Page,
  relayUrl: string,
  passphrase: string,
): Promise<RunningHost> {
  const host = await startHost(undefined, {
    SWITCHBOARD_RELAY_URL: relayUrl,
    SWITCHBOARD_LOGIN_EMAIL: 'agent@demo.switchboard',
    SWITCHBOARD_LOGIN_PASSWORD: DEMO_PASSWORD,
    SWITCHBOARD_CACHE_PASSPHRASE: passphrase,
  });
  try {
    await page.goto(host.url);
    await expect(page.getByRole('status', { name: 'Sync status' })).toHaveText('Online', { timeout: 30_000 });
    await setMyStatus(page, 'available');
    return host;
  } catch (err) {
    await stopHost(host);
    throw err;
  }
}

/** The visitor opens the shop's page and its chat, starts a chat as `name` and sends `first`; returns the widget. */
export async function startVisitorChat(
  customer: Page,
  siteUrl: string,
  name: string,
  first: string,
): Promise<Locator> {
  await customer.goto(siteUrl);
  await customer.getByRole('button', { name: 'Open chat' }).click();
  const widget = customer.getByRole('dialog', { name: 'Chat with us' });
  await widget.getByLabel('Your name').fill(name);
  await widget.getByRole('button', { name: 'Start chat' }).click();
  await widget.getByRole('textbox', { name: 'Message' }).fill(first);
  await widget.getByRole('button', { name: 'Send', exact: true }).click();
  return widget;
}

/** The agent accepts the offer of a web chat from `name`; returns that conversation. */
export async function acceptChat(page: Page, name: string): Promise<Locator> {
  const offer = page.getByRole('alertdialog', { name: `New Web chat from ${name}` });
  await expect(offer).toBeVisible({ timeout: 15_000 });
  await offer.getByRole('button', { name: 'Accept' }).click();
  return page.getByRole('article', { name: `Conversation with ${name}` });
}
