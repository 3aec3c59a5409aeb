import { createServer, type Server } from 'node:http';
import type { Page } from '@playwright/test';
import { build } from 'esbuild';

export type PartyServer = { url: string; close: () => Promise<void> };

/** Bundles e2e/support/party/party.ts (the app's own SIP core) for plain pages. */
async function partyBundle(): Promise<string> {
  const out = await build({
    entryPoints: ['e2e/support/party/party.ts'],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    logLevel: 'warning',
  });
  return out.outputFiles[0]!.text;
}

/**
 * Serves the party page on 127.0.0.1 (a real loopback origin: Chromium's local-network checks
 * block a page of unknown address space from opening ws://127.0.0.1, and loopback is a secure
 * context for getUserMedia).
 */
export async function startPartyServer(): Promise<PartyServer> {
  const js = await partyBundle();
  const html =
    '<!doctype html><html><head><title>party</title><script src="/party.js"></script></head><body></body></html>';
  const server: Server = createServer((req, res) => {
    if (req.url === '/party.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    } else {
      res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Opens a party page with `window.party` ready. */
export async function openParty(page: Page, server: PartyServer): Promise<void> {
  await page.goto(server.url);
  await page.waitForFunction('"party" in window');
}
