import WebSocket from 'ws';
import type { Relay } from '../../../src/relay';

// A web chat visitor as the widget is one: sessions over HTTP, the conversation over the visitor
// socket, files over HTTP with the visitor token. Shared by the web chat integration tests.

export type Frame = { t: string; [k: string]: unknown };
export type Visitor = {
  ws: WebSocket;
  frames: Frame[];
  next(t: string, pred?: (f: Frame) => boolean): Promise<Frame>;
  send(frame: unknown): void;
  closed: Promise<number>;
};

/** Resolves once `check` returns a value other than undefined/false (polled; events have no hook here). */
export async function until<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  what: string | (() => string),
): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const v = await check();
    if (v !== undefined && v !== false && v !== null) return v as T;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`gave up waiting for ${typeof what === 'string' ? what : what()}`);
}

export function visit(relay: Pick<Relay, 'url'>, token: string, origin?: string): Promise<Visitor> {
  const url = new URL('/v1/widget/socket', relay.url.replace(/^http/, 'ws'));
  url.searchParams.set('token', token);
  const ws = new WebSocket(url, origin ? { origin } : {});
  const frames: Frame[] = [];
  const taken = new Set<Frame>();
  ws.on('message', (d) => frames.push(JSON.parse(d.toString()) as Frame));
  const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
  const next = (t: string, pred?: (f: Frame) => boolean) =>
    until(
      () => {
        const f = frames.find((x) => !taken.has(x) && x.t === t && (!pred || pred(x)));
        if (f) taken.add(f);
        return f;
      },
      `a ${t} frame (got ${JSON.stringify(frames).slice(0, 400)})`,
    );
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, frames, next, send: (f) => ws.send(JSON.stringify(f)), closed }));
    ws.once('error', reject);
  });
}

export async function session(
  relay: Pick<Relay, 'url'>,
  body: Record<string, unknown>,
  origin?: string,
): Promise<string> {
  const res = await fetch(`${relay.url}/v1/widget/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(origin ? { origin } : {}) },
    body: JSON.stringify(body),
  });
  const j = (await res.json()) as { token?: string };
  if (res.status !== 201 || !j.token) throw new Error(`session: ${res.status} ${JSON.stringify(j)}`);
  return j.token;
}

export type UploadResult = {
  status: number;
  body: {
    attachment?: { id: string; name: string; size: number; type: string };
    error?: { code: string; message: string; reason?: string };
  };
};

/** Uploads one file as the widget does: the raw bytes, the name URL-encoded in X-File-Name. */
export async function upload(
  relay: Relay,
  token: string,
  name: string,
  bytes: Buffer,
): Promise<UploadResult> {
  const res = await fetch(`${relay.url}/v1/widget/attachments`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/octet-stream',
      'x-file-name': encodeURIComponent(name),
    },
    body: bytes,
  });
  return { status: res.status, body: (await res.json()) as UploadResult['body'] };
}

/** A tiny real PNG (1×1, transparent). */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
/** The start of a real PDF. */
export const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
);
