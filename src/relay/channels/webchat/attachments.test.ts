import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createAttachmentStore, resolveAttachmentOptions, sanitizeFileName, sniffType } from './attachments';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
/** A request body as the store reads one: an async iterable of chunks with headers. */
const body = (b: Buffer) => Object.assign(Readable.from([b]), { headers: {} }) as unknown as IncomingMessage;

describe('relay/channels/webchat/attachments', () => {
  it('tells file types by their bytes, not their names', () => {
    expect(sniffType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('image/png');
    expect(sniffType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffType(Buffer.from('GIF89a....'))).toBe('image/gif');
    expect(sniffType(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(sniffType(Buffer.from('%PDF-1.7\n'))).toBe('application/pdf');
    expect(sniffType(Buffer.from('你好, order 42\r\n\tthanks'))).toBe('text/plain');
    expect(sniffType(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1]))).toBeNull();
    expect(sniffType(Buffer.from([0xc3, 0x28]))).toBeNull(); // not UTF-8
    expect(sniffType(Buffer.alloc(0))).toBeNull();
  });

  it('keeps one safe path segment of a name, as text', () => {
    expect(sanitizeFileName('../../x')).toBe('x');
    expect(sanitizeFileName('C:\\Users\\me\\pic.png')).toBe('pic.png');
    expect(sanitizeFileName('<img src=x onerror=alert(1)>.png')).toBe('<img src=x onerror=alert(1)>.png');
    expect(sanitizeFileName('a\u0000\u001b[31mb\u202Etxt.exe')).toBe('a[31mbtxt.exe');
    expect(sanitizeFileName('  \n ')).toBe('file');
    expect(sanitizeFileName('..')).toBe('file');
    const long = sanitizeFileName(`${'名'.repeat(10_000)}.pdf`);
    expect([...long]).toHaveLength(200);
    expect(long.endsWith('.pdf')).toBe(true);
  });

  it('deletes files uploaded and never sent once they are a day old, and keeps sent ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-attach-'));
    try {
      let now = Date.parse('2026-01-01T00:00:00Z');
      const store = createAttachmentStore(dir, resolveAttachmentOptions(undefined), () => now);
      const owner = { customerId: 'c1', inboxId: 'i1' };
      const sent = await store.upload(body(PNG), owner, 'sent.png');
      const unsent = await store.upload(body(PNG), owner, 'unsent.png');
      store.bind(store.claim([sent.id], owner), 'm1');
      now += 23 * 3600_000;
      expect(store.sweep()).toBe(0);
      now += 2 * 3600_000;
      expect(store.sweep()).toBe(1);
      expect(store.meta(unsent.id)).toBeNull();
      expect(store.meta(sent.id)?.messageId).toBe('m1');
      expect(readdirSync(join(dir, 'attachments')).sort()).toEqual([sent.id, `${sent.id}.json`].sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
