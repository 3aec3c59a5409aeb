import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from './fixtures';

// A hostile page on another local port, as any website or local app could serve.
let evil: Server;
let evilOrigin: string;
test.beforeAll(async () => {
  evil = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'text/html' }).end('<title>evil</title>'),
  );
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
  evilOrigin = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
});
test.afterAll(() => new Promise<void>((r) => evil.close(() => r())));

test.describe('browser host security in real Chromium', () => {
  test('another local page cannot call the app API, with or without the secret', async ({ page, host }) => {
    await page.goto(evilOrigin);
    const attempt = (withSecret: boolean) =>
      page.evaluate(
        ({ port, secret, withSecret }) =>
          new Promise<string>((resolve) => {
            const protocols = withSecret ? ['switchboard.v1', `k.${secret}`] : ['switchboard.v1'];
            const ws = new WebSocket(`ws://127.0.0.1:${port}/api`, protocols);
            ws.onopen = () => {
              ws.send(JSON.stringify({ type: 'call', id: 1, channel: 'app:getInfo', args: {} }));
              ws.onmessage = (e) => resolve(`answered: ${String(e.data)}`);
            };
            ws.onclose = (e) => resolve(`closed ${e.code}`);
          }),
        { port: new URL(host.origin).port, secret: host.secret, withSecret },
      );
    expect(await attempt(false)).toBe('closed 1006');
    // Even a stolen secret is useless from another origin.
    expect(await attempt(true)).toBe('closed 1006');
  });

  test('a page opened without the secret explains what to do', async ({ page, host }) => {
    await page.goto(host.origin + '/');
    await expect(page.getByRole('alert')).toContainText('Open the link printed by the browser host');
  });

  test('a wrong secret shows the not-authorized state instead of hanging', async ({ page, host }) => {
    await page.goto(`${host.origin}/#k=${'x'.repeat(43)}`);
    await expect(page.getByRole('status', { name: 'Connection to the app' })).toContainText('not authorized');
  });
});

test('the sign-in form refuses a remote relay over plain http and says what to use', async ({
  page,
  host,
}) => {
  await page.goto(host.url);
  await page.getByRole('button', { name: 'Inbox' }).click();
  await page.getByLabel('Relay server').fill('http://192.0.2.7:8787');
  await page.getByLabel('Email').fill('agent@demo.switchboard');
  await page.getByLabel('Password', { exact: true }).fill('switchboard-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText("Enter the relay's https:// address");
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
});
