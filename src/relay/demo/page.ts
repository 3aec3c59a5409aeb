import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { UUID_RE } from '../../shared/sync/ids';
import { targetOf } from '../http/requestTarget';

/** The file `relay seed` writes into a demo data directory; its presence turns `/demo` on. */
export const DEMO_FILE = 'demo.json';

export type DemoInfo = {
  chatInboxId: string;
  /** The demo's phone queue and each demo account's SIP user (scripts/start.mjs provisions them at the PBX). */
  phone?: { voiceInboxId: string; queue: string; sipUsers: Record<string, string> };
};

/** Reads `<dataDir>/demo.json`, or null where the directory was not seeded as a demo. */
export function readDemoInfo(dataDir: string): DemoInfo | null {
  const file = join(dataDir, DEMO_FILE);
  if (!existsSync(file)) return null;
  const v = JSON.parse(readFileSync(file, 'utf8')) as Partial<DemoInfo>;
  return typeof v.chatInboxId === 'string' && UUID_RE.test(v.chatInboxId)
    ? { chatInboxId: v.chatInboxId }
    : null;
}

/**
 * `GET /demo`: a plain shop page with the web chat widget of the demo's chat inbox, so a newcomer
 * can start a chat against the embedded relay without writing a page. Served only from a data
 * directory that `relay seed` made (it writes demo.json); elsewhere the route does not exist.
 */
export function createDemoPage(dataDir: string) {
  const info = readDemoInfo(dataDir);
  const html = info ? demoHtml(info.chatInboxId) : null;
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (!html || targetOf(req).path !== '/demo') return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return true;
    }
    res
      .writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      })
      .end(req.method === 'HEAD' ? undefined : html);
    return true;
  };
}

function demoHtml(inboxId: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Harbour Shop — Switchboard demo</title>
<style>
  body { font-family: system-ui, "Noto Sans CJK SC", sans-serif; margin: 0; color: #1f2933; background: #f5f7fa; }
  header { background: #0b3d5c; color: #fff; padding: 1.5rem 2rem; }
  main { max-width: 40rem; padding: 2rem; line-height: 1.5; }
</style>
</head>
<body>
<header><h1>Harbour Shop</h1><p>A demo page of the Switchboard embedded relay.</p></header>
<main>
  <h2>Need help with an order?</h2>
  <p>Open the chat button at the bottom right. Your chat goes to the demo team's queue and is
  offered to an Available agent: sign in to the workstation as <code>agent@demo.switchboard</code>
  and set your status to Available to take it.</p>
  <p lang="zh-CN">订单有问题？点击右下角的聊天按钮，客服会尽快回复。</p>
</main>
<script src="/widget.js" data-inbox="${inboxId}"></script>
</body>
</html>
`;
}
